// Command pulumi-resource-github is the GitHub stand-in provider plugin (test code).
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/signed-runs/standins/internal/github"
	"github.com/signed-runs/standins/internal/pprov"
)

func main() {
	err := provider.Main("github", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return pprov.NewServer(github.Provider()), nil
	})
	if err != nil {
		cmdutil.ExitError(err.Error())
	}
}
