// Command pulumi-resource-kubernetes serves Pulumi's Kubernetes provider, built from
// its Go module. The module's own cmd/pulumi-resource-kubernetes embeds two files that
// its go:generate step writes and the module zip lacks, so this main embeds the zip's
// schema.json and terraform-mapping.json instead (scripts/install-kube-tools.sh copies
// them here from the module cache before building) and sets the schema's version as
// that step would.
package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var schema []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func main() {
	// The install script sets version.Version from ./plugin-version: the release the pinned
	// commit is tagged with, which @pulumi/kubernetes of that version asks the engine for.
	if version.Version == "" {
		fmt.Fprintln(os.Stderr, "pulumi-resource-kubernetes: built without a version; build it with scripts/install-kube-tools.sh")
		os.Exit(1)
	}
	var spec map[string]any
	if err := json.Unmarshal(schema, &spec); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-kubernetes: embedded schema: %v\n", err)
		os.Exit(1)
	}
	spec["version"] = version.Version
	versioned, err := json.Marshal(spec)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-kubernetes: embedded schema: %v\n", err)
		os.Exit(1)
	}
	provider.Serve("kubernetes", version.Version, versioned, terraformMapping)
}
