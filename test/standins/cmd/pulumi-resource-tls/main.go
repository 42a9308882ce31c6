// Command pulumi-resource-tls is the tls stand-in provider plugin (test code).
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/signed-runs/standins/internal/pprov"
	"github.com/signed-runs/standins/internal/randomtls"
)

func main() {
	err := provider.Main("tls", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return pprov.NewServer(randomtls.TLS()), nil
	})
	if err != nil {
		cmdutil.ExitError(err.Error())
	}
}
