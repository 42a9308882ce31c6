#!/usr/bin/env bash
# Runs a command against the Pulumi engine built into .tools/bin/ (scripts/install-tools.sh):
#
#   scripts/with-engine.sh pulumi up
#   scripts/with-engine.sh pulumi stack export
#
# It sets, unless already set:
#   PATH                  .tools/bin first: pulumi, pulumi-language-nodejs, the bridge
#   PULUMI_HOME           .tools/pulumi-home (plugins and credentials stay out of ~/.pulumi)
#   PULUMI_BACKEND_URL    file://<repo>/.pulumi-state (local state; nothing is sent to Pulumi Cloud)
#   PULUMI_CONFIG_PASSPHRASE  a fixed passphrase for local use only: set your own for anything real
#   PULUMI_SKIP_UPDATE_CHECK, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION  no network calls for plugins/updates
#   PULUMI_IGNORE_AMBIENT_PLUGINS  resource plugins only from PULUMI_HOME, at the versions the program asks for
# and installs the dynamic Terraform bridge as the `terraform-provider` resource plugin when it is missing.
#
# Against the stand-in providers (test code, see CONTRIBUTING.md; never for real accounts):
#
#   SIGNED_RUNS_STANDINS=1 scripts/with-engine.sh seed-standins --repository acme/payments-infra:main,staging
#   SIGNED_RUNS_STANDINS=1 scripts/with-engine.sh pulumi up
#
# SIGNED_RUNS_STANDINS=1 also sets, unless already set:
#   PULUMI_HOME           .tools/pulumi-home-standins (the stand-in plugins never shadow real ones in .tools/pulumi-home)
#   SIGNED_RUNS_FAKE_GITHUB, SIGNED_RUNS_FAKE_SPACELIFT  the fake worlds, .pulumi-state/standins/{github,spacelift}.json
#   SPACELIFT_SIGNED_RUNS_TERRAFORM_PROVIDER_PATH  the Spacelift stand-in, loaded by the real bridge
#   GITHUB_TOKEN, SPACELIFT_API_KEY_ENDPOINT/_ID/_SECRET  dummy credentials of the shape the providers require
# and installs the GitHub, random and tls stand-ins as resource plugins. `seed-standins` adds repositories,
# stacks, a push policy and a worker pool to the fake worlds (--help lists its options).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/.tools/bin"

for tool in pulumi pulumi-language-nodejs pulumi-resource-terraform-provider; do
  if [ ! -x "$bin/$tool" ]; then
    echo "with-engine: $bin/$tool is missing; build it with 'npm run tools' (bash scripts/install-tools.sh)" >&2
    exit 1
  fi
done

standins=""
if [ "${SIGNED_RUNS_STANDINS:-}" = 1 ]; then
  standins="$root/.tools/standins"
  if [ ! -f "$standins/plugins.tsv" ]; then
    echo "with-engine: the stand-in providers are not built ($standins/plugins.tsv is missing); build them with 'bash scripts/build-standins.sh' (part of 'npm run tools')" >&2
    exit 1
  fi
  export PULUMI_HOME="${PULUMI_HOME:-$root/.tools/pulumi-home-standins}"
  export SIGNED_RUNS_FAKE_GITHUB="${SIGNED_RUNS_FAKE_GITHUB:-$root/.pulumi-state/standins/github.json}"
  export SIGNED_RUNS_FAKE_SPACELIFT="${SIGNED_RUNS_FAKE_SPACELIFT:-$root/.pulumi-state/standins/spacelift.json}"
  export SPACELIFT_SIGNED_RUNS_TERRAFORM_PROVIDER_PATH="${SPACELIFT_SIGNED_RUNS_TERRAFORM_PROVIDER_PATH:-$standins/terraform-provider-spacelift}"
  export GITHUB_TOKEN="${GITHUB_TOKEN:-standin-github-token}"
  export SPACELIFT_API_KEY_ENDPOINT="${SPACELIFT_API_KEY_ENDPOINT:-https://standin.app.spacelift.io}"
  export SPACELIFT_API_KEY_ID="${SPACELIFT_API_KEY_ID:-01HSTANDINAPIKEY0000000000}"
  export SPACELIFT_API_KEY_SECRET="${SPACELIFT_API_KEY_SECRET:-standin-spacelift-api-key-secret}"
  mkdir -p "$(dirname "$SIGNED_RUNS_FAKE_GITHUB")" "$(dirname "$SIGNED_RUNS_FAKE_SPACELIFT")"
fi

export PATH="$bin:$PATH"
export PULUMI_HOME="${PULUMI_HOME:-$root/.tools/pulumi-home}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# Resource plugins come from PULUMI_HOME at the version asked for, not from PATH (the language host is found beside pulumi).
export PULUMI_IGNORE_AMBIENT_PLUGINS=true
# A well-known passphrase: the state stays encrypted at rest, but anyone with this script can read it. Local use only.
if [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-local-engine-not-a-secret}"
fi
if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  mkdir -p "$root/.pulumi-state"
  export PULUMI_BACKEND_URL="file://$root/.pulumi-state"
fi
mkdir -p "$PULUMI_HOME"

# The bridge is installed under the version the Spacelift binding asks for (components/spacelift/resourceOptions.ts).
bridge_version=$(cat "$root/tools/go/terraform-bridge/plugin-version")
bridge_dir="$PULUMI_HOME/plugins/resource-terraform-provider-v$bridge_version"
bridge_stamp="$bridge_dir/.installed-from"
# Reinstalled when the built binary changed (its pin stamp), so a rebuilt bridge is picked up.
want="$(cat "$bin/.pulumi-resource-terraform-provider.pin" 2>/dev/null || echo unpinned)"
if [ "$(cat "$bridge_stamp" 2>/dev/null)" != "$want" ]; then
  "$bin/pulumi" plugin install resource terraform-provider "$bridge_version" \
    --file "$bin/pulumi-resource-terraform-provider" --reinstall >/dev/null
  echo "$want" >"$bridge_stamp"
fi

if [ -n "$standins" ]; then
  # Each stand-in plugin is (re)installed when its build changed (the stand-ins' pin stamp).
  standins_pin="$(cat "$standins/.pin" 2>/dev/null || echo unpinned)"
  while IFS=$'\t' read -r kind name version file; do
    [ "$kind" = resource ] || continue
    stamp="$PULUMI_HOME/plugins/resource-$name-v$version/.installed-from"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$standins_pin" ]; then
      # The manifest names files in its own folder (older builds wrote absolute paths), so a moved .tools still works.
      "$bin/pulumi" plugin install resource "$name" "$version" --file "$standins/$(basename "$file")" --reinstall >/dev/null
      echo "$standins_pin" >"$stamp"
    fi
  done <"$standins/plugins.tsv"
fi

if [ "${1:-}" = seed-standins ]; then
  if [ -z "$standins" ]; then
    echo "with-engine: seed-standins writes the stand-ins' fake worlds; run it with SIGNED_RUNS_STANDINS=1" >&2
    exit 2
  fi
  shift
  seeder="$root/dist/test/support/seedStandins.js"
  if [ ! -f "$seeder" ]; then
    (cd "$root" && npx tsc -p .)
  fi
  exec node "$seeder" "$@"
fi

# Logged in through PULUMI_BACKEND_URL; `pulumi login` is not needed.
exec "$@"
