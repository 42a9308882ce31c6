#!/usr/bin/env bash
# Installs the real tools the tests run into .tools/bin/ (git-ignored):
#   opa-v1, opa-v0  OPA 1.x and the last 0.x line, built from the Go module proxy
#   actionlint      GitHub Actions workflow linter (Go module)
#   regal           Rego linter (Go module)
#   shellcheck      from Debian, used by actionlint for run: scripts
# Each Go tool is pinned by its own module in tools/go/<name> (go.mod + go.sum).
# A tool is rebuilt only when it is missing or its pin changed, so CI caches well.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/.tools/bin"
mkdir -p "$bin"

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    echo "install-tools: no Go toolchain found (looked on PATH and in /usr/local/go/bin); install Go >= 1.24 to build OPA, actionlint and regal" >&2
    exit 1
  fi
fi

# The module path of the tool each wrapper module builds.
declare -A package=(
  [opa-v1]=github.com/open-policy-agent/opa
  [opa-v0]=github.com/open-policy-agent/opa
  [actionlint]=github.com/rhysd/actionlint/cmd/actionlint
  [regal]=github.com/styrainc/regal
)

pin_of() { # the stamp a build is recorded under: the hash of its go.mod and go.sum
  cat "$root/tools/go/$1/go.mod" "$root/tools/go/$1/go.sum" | sha256sum | cut -c1-16
}

version_of_opa() { # "1.22.3" from the wrapper module's require line
  awk '$1 == "github.com/open-policy-agent/opa" { sub(/^v/, "", $2); print $2 }' "$root/tools/go/$1/go.mod"
}

build() {
  local name=$1 want stamp
  want=$(pin_of "$name")
  stamp="$bin/.$name.pin"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
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
  (cd "$root/tools/go/$name" && go build -trimpath -o "$bin/$name" "${package[$name]}")
  echo "$want" >"$stamp"
  echo "install-tools: built $name in $((SECONDS - started))s"
}

# shellcheck comes from Debian; actionlint runs it on every run: script.
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
tools=(opa-v1 opa-v0 actionlint regal)
if [ $# -gt 0 ]; then tools=("$@"); fi
pids=()
for name in "${tools[@]}"; do
  build "$name" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
if [ $# -eq 0 ]; then bash "$root/scripts/install-kube-tools.sh" || status=1; fi
exit $status
