#!/usr/bin/env bash
# Installs the real tools the tests run into .tools/bin/ (git-ignored):
#   opa-v1, opa-v0  OPA 1.x and the last 0.x line, built from the Go module proxy
#   actionlint      GitHub Actions workflow linter (Go module)
#   regal           Rego linter (Go module)
#   ShellCheck      a Debian package, used by actionlint for run: scripts
#   pulumi          the Pulumi CLI and engine, built from pulumi/pkg (Go module)
#   pulumi-language-nodejs  our own minimal Node.js language host (tools/go/pulumi-language-nodejs)
#   pulumi-resource-terraform-provider  Pulumi's dynamic Terraform bridge (Go module)
# Each Go tool is pinned by its own module in tools/go/<name> (go.mod + go.sum).
# A tool is rebuilt only when it is missing or its pin changed, so CI caches well.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/.tools/bin"
mkdir -p "$bin"

# shellcheck source=scripts/lib/go-tools.sh
. "$root/scripts/lib/go-tools.sh"
use_go install-tools "OPA, actionlint, regal and the Pulumi engine"

# The module path of the tool each wrapper module builds.
declare -A package=(
  [opa-v1]=github.com/open-policy-agent/opa
  [opa-v0]=github.com/open-policy-agent/opa
  [actionlint]=github.com/rhysd/actionlint/cmd/actionlint
  [regal]=github.com/styrainc/regal
  [pulumi]=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  [pulumi-language-nodejs]=.
  [pulumi-resource-terraform-provider]=github.com/pulumi/pulumi-terraform-bridge/v3/dynamic
)
# The wrapper module of each tool, when it is not tools/go/<name>.
declare -A module=(
  [pulumi-resource-terraform-provider]=terraform-bridge
)
# Extra linker flags: the CLI reports the version it was stamped with, the one its go.mod pins.
# The bridge reports the terraform-provider plugin version it is installed under (tools/go/terraform-bridge/plugin-version),
# and, like Pulumi's release build, tolerates the protobuf types that both Terraform's and Pulumi's modules register.
declare -A ldflags=(
  [pulumi]="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2 }' "$root/tools/go/pulumi/go.mod")"
  [pulumi-resource-terraform-provider]="-X google.golang.org/protobuf/reflect/protoregistry.conflictPolicy=ignore -X github.com/pulumi/pulumi-terraform-bridge/v3/dynamic/version.version=v$(cat "$root/tools/go/terraform-bridge/plugin-version")"
)

dir_of() { echo "$root/tools/go/${module[$1]:-$1}"; }

pin_of() { # the stamp a build is recorded under: the hash of its go.mod, go.sum, own Go sources and linker flags
  local dir
  dir=$(dir_of "$1")
  # Tools without sources or flags hash exactly go.mod + go.sum, so their existing stamps stay valid.
  {
    cat "$dir/go.mod" "$dir/go.sum"
    find "$dir" -maxdepth 1 -name '*.go' -print0 | sort -z | xargs -0r cat
    if [ -n "${ldflags[$1]:-}" ]; then printf '%s' "${ldflags[$1]}"; fi
  } | sha256sum | cut -c1-16
}

version_of_opa() { # "1.22.3" from the wrapper module's require line
  awk '$1 == "github.com/open-policy-agent/opa" { sub(/^v/, "", $2); print $2 }' "$root/tools/go/$1/go.mod"
}

build() {
  local name=$1 want stamp
  want=$(pin_of "$name")
  stamp="$bin/.$name.pin"
  if is_current "$stamp" "$want" "$bin/$name"; then
    echo "install-tools: $name is up to date"
    return
  fi
  # An opa of the pinned version already on PATH is used as it is.
  if [[ $name == opa-* ]] && command -v opa >/dev/null 2>&1; then
    local have
    have=$(opa version 2>/dev/null | awk '/^Version:/ { print $2 }')
    if [ "$have" = "$(version_of_opa "$name")" ]; then
      ln -sf "$(command -v opa)" "$bin/$name"
      echo "$want" >"$stamp"
      echo "install-tools: $name uses $(command -v opa) ($have)"
      return
    fi
  fi
  echo "install-tools: building $name (${package[$name]}) ..."
  local started=$SECONDS
  # Built beside the target and moved into place, so a reader never sees half a binary.
  (cd "$(dir_of "$name")" && go build -trimpath -ldflags "${ldflags[$name]:-}" -o "$bin/.$name.partial" "${package[$name]}")
  mv -f "$bin/.$name.partial" "$bin/$name"
  echo "$want" >"$stamp"
  echo "install-tools: built $name in $((SECONDS - started))s"
}

# ShellCheck is a Debian package; actionlint runs it on every run: script.
if ! command -v shellcheck >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-tools: installing shellcheck from Debian ..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
  else
    echo "install-tools: shellcheck is missing; install it with 'sudo apt-get install shellcheck'" >&2
    exit 1
  fi
fi

# Build in parallel two at a time: the machine has two cores.
tools=(opa-v1 opa-v0 actionlint regal pulumi pulumi-language-nodejs pulumi-resource-terraform-provider)
if [ $# -gt 0 ]; then tools=("$@"); fi
pids=()
for name in "${tools[@]}"; do
  build "$name" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done

# A full run (no tool names given) also builds the stand-in providers (test code in
# test/standins) and the Kubernetes tools, one after the other: they are the largest builds.
if [ $# -eq 0 ]; then
  bash "$root/scripts/build-standins.sh" || status=1
  bash "$root/scripts/install-kube-tools.sh" || status=1
fi
exit $status
