# shellcheck shell=bash
# Shared by the scripts that build pinned Go tools into .tools/ (sourced, not run).

# Puts a Go toolchain on PATH (PATH first, then /usr/local/go/bin), or exits naming the caller and what Go is for.
use_go() { # caller purpose
  if command -v go >/dev/null 2>&1; then return; fi
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
    return
  fi
  echo "$1: no Go toolchain found (looked on PATH and in /usr/local/go/bin); install Go >= 1.26 to build $2" >&2
  exit 1
}

# True when the stamp file records the wanted pin and every named binary is there and executable:
# a tool already built at its pin is never built again.
is_current() { # stamp want binary...
  local stamp=$1 want=$2 binary
  shift 2
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] || return 1
  for binary in "$@"; do [ -x "$binary" ] || return 1; done
}
