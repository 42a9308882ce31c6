#!/usr/bin/env bash
# Builds the stand-in providers (test code, test/standins) into .tools/standins/:
#   pulumi-resource-github, pulumi-resource-random, pulumi-resource-tls
#       Pulumi resource provider plugins, stamped with the plugin version the repository's
#       @pulumi/github, @pulumi/random and @pulumi/tls packages request (node_modules/@pulumi/*/package.json).
#   terraform-provider-spacelift
#       a Terraform provider (plugin protocol 5) that Pulumi's dynamic bridge loads with the
#       parameter {"local":{"path":".tools/standins/terraform-provider-spacelift"}}.
# It writes .tools/standins/plugins.tsv (kind, name, version, file name in that folder) for `pulumi plugin install`,
# and rebuilds only when the Go sources or the requested versions changed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/.tools/standins"
src="$root/test/standins"
mkdir -p "$out"
# shellcheck source=scripts/lib/go-tools.sh
. "$root/scripts/lib/go-tools.sh"
use_go build-standins "the stand-in providers"

plugin_version() { # the version the npm package's SDK asks the engine for
  node -e 'const p = require(process.argv[1]); if (!p.pulumi || !p.pulumi.version) process.exit(1); console.log(p.pulumi.version)' \
    "$root/node_modules/@pulumi/$1/package.json" \
    || { echo "build-standins: node_modules/@pulumi/$1 is missing; run 'npm ci' first" >&2; exit 1; }
}
github=$(plugin_version github)
random=$(plugin_version random)
tls=$(plugin_version tls)

want=$({ (cd "$src" && find . -name '*.go' -o -name go.mod -o -name go.sum) | LC_ALL=C sort | (cd "$src" && xargs cat); echo "$github $random $tls"; } | sha256sum | cut -c1-16)
if is_current "$out/.pin" "$want" "$out/pulumi-resource-github" "$out/pulumi-resource-random" "$out/pulumi-resource-tls" "$out/terraform-provider-spacelift" && [ -f "$out/plugins.tsv" ]; then
  echo "build-standins: stand-ins are up to date"
  exit 0
fi

echo "build-standins: building the stand-in providers ..."
started=$SECONDS
pkg=github.com/signed-runs/standins/internal
(
  cd "$src"
  go build -trimpath -ldflags "-X $pkg/github.Version=$github" -o "$out/pulumi-resource-github" ./cmd/pulumi-resource-github
  go build -trimpath -ldflags "-X $pkg/randomtls.RandomVersion=$random" -o "$out/pulumi-resource-random" ./cmd/pulumi-resource-random
  go build -trimpath -ldflags "-X $pkg/randomtls.TLSVersion=$tls" -o "$out/pulumi-resource-tls" ./cmd/pulumi-resource-tls
  go build -trimpath -o "$out/terraform-provider-spacelift" ./cmd/terraform-provider-spacelift
)
printf '%s\t%s\t%s\t%s\n' \
  resource github "$github" pulumi-resource-github \
  resource random "$random" pulumi-resource-random \
  resource tls "$tls" pulumi-resource-tls \
  terraform spacelift local terraform-provider-spacelift >"$out/plugins.tsv"
echo "$want" >"$out/.pin"
echo "build-standins: built in $((SECONDS - started))s"
