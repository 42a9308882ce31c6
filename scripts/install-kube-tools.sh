#!/usr/bin/env bash
# Installs the Kubernetes parts the tests run into .tools/bin/ (git-ignored):
#   kube-apiserver, kubectl     k8s.io/kubernetes (tools/go/kube)
#   etcd                        an embedded etcd of our own (tools/go/etcd)
#   pulumi-resource-kubernetes  Pulumi's Kubernetes provider (tools/go/pulumi-kubernetes)
# Each is pinned by its own module in tools/go/<name> (go.mod + go.sum) and rebuilt
# only when a binary is missing or the pin changed, so CI caches well.
# The builds run one at a time: the provider alone peaks at about 4.5 GB.
# Usage: scripts/install-kube-tools.sh [kube|etcd|pulumi-kubernetes ...]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/.tools/bin"
mkdir -p "$bin"

# shellcheck source=scripts/lib/go-tools.sh
. "$root/scripts/lib/go-tools.sh"
use_go install-kube-tools "kube-apiserver, kubectl, etcd and the Kubernetes provider"

pin_of() { # the stamp a build is recorded under: the hash of its module's own files
  local dir="$root/tools/go/$1" file
  for file in go.mod go.sum main.go plugin-version; do
    if [ -f "$dir/$file" ]; then cat "$dir/$file"; fi
  done | sha256sum | cut -c1-16
}

required_version() { # "v1.37.2" from the module's require line for $2
  awk -v mod="$2" '$1 == mod { print $2; exit } $1 == "require" && $2 == mod { print $3; exit }' "$root/tools/go/$1/go.mod"
}

# The binaries each module makes.
declare -A outputs=(
  [kube]="kube-apiserver kubectl"
  [etcd]="etcd"
  [pulumi-kubernetes]="pulumi-resource-kubernetes"
)

go_build() { # name output package [ldflags]
  (cd "$root/tools/go/$1" && go build -trimpath -ldflags "-s -w ${4:-}" -o "$bin/$2" "$3")
}

build_kube() {
  local v major minor
  v=$(required_version kube k8s.io/kubernetes)
  major=${v#v}; major=${major%%.*}
  minor=${v#v"$major".}; minor=${minor%%.*}
  # Without these the binaries call themselves v0.0.0-master and kubectl warns of version skew.
  local flags="-X k8s.io/component-base/version.gitVersion=$v -X k8s.io/component-base/version.gitMajor=$major -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  go_build kube kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$flags"
  go_build kube kubectl k8s.io/kubernetes/cmd/kubectl "$flags"
}

build_etcd() {
  go_build etcd etcd .
}

build_pulumi-kubernetes() {
  local v dir
  # The module zip's schema and mapping, embedded by main.go (git-ignored copies).
  dir=$(cd "$root/tools/go/pulumi-kubernetes" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)
  install -m 644 "$dir/cmd/pulumi-resource-kubernetes/schema.json" "$dir/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$root/tools/go/pulumi-kubernetes/"
  v=$(cat "$root/tools/go/pulumi-kubernetes/plugin-version")
  go_build pulumi-kubernetes pulumi-resource-kubernetes . \
    "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$v"
}

build() {
  local name=$1 want stamp out binaries=()
  want=$(pin_of "$name")
  stamp="$bin/.$name.pin"
  for out in ${outputs[$name]}; do binaries+=("$bin/$out"); done
  if is_current "$stamp" "$want" "${binaries[@]}"; then
    echo "install-kube-tools: $name is up to date"
    return
  fi
  echo "install-kube-tools: building $name (${outputs[$name]}) ..."
  local started=$SECONDS
  rm -f "$stamp"
  "build_$name"
  echo "$want" >"$stamp"
  echo "install-kube-tools: built $name in $((SECONDS - started))s"
}

tools=(etcd kube pulumi-kubernetes)
if [ $# -gt 0 ]; then tools=("$@"); fi
for name in "${tools[@]}"; do
  [ -n "${outputs[$name]+x}" ] || { echo "install-kube-tools: unknown tool '$name' (known: ${!outputs[*]})" >&2; exit 2; }
  build "$name"
done
