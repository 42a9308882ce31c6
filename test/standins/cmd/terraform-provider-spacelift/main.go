// Command terraform-provider-spacelift is the Spacelift Terraform provider stand-in (test code),
// loaded by Pulumi's dynamic Terraform bridge through {"local":{"path":...}}.
package main

import (
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5/tf5server"

	"github.com/signed-runs/standins/internal/spacelift"
	"github.com/signed-runs/standins/internal/tfprov"
)

func main() {
	exitWithParent()
	server := tfprov.NewServer(spacelift.Provider())
	if err := tf5server.Serve("registry.opentofu.org/spacelift-io/spacelift", func() tfprotov5.ProviderServer { return server }); err != nil {
		log.Fatal(err)
	}
}
