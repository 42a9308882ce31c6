// Command pulumi-resource-random is the random stand-in provider plugin (test code).
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/signed-runs/standins/internal/pprov"
	"github.com/signed-runs/standins/internal/randomtls"
)

func main() {
	err := provider.Main("random", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return pprov.NewServer(randomtls.Random()), nil
	})
	if err != nil {
		cmdutil.ExitError(err.Error())
	}
}
