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
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/.tools/bin"

for tool in pulumi pulumi-language-nodejs pulumi-resource-terraform-provider; do
  if [ ! -x "$bin/$tool" ]; then
    echo "with-engine: $bin/$tool is missing; build it with 'npm run tools' (bash scripts/install-tools.sh)" >&2
    exit 1
  fi
done

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

# The bridge is installed under the version the Spacelift binding asks for (components/spacelift/package.ts).
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

# Logged in through PULUMI_BACKEND_URL; `pulumi login` is not needed.
exec "$@"
