#!/usr/bin/env bash
# Builds OpenTofu's CLI (`tofu`) from the Go module proxy and prints the path of the binary.
#
#   tools/e2e/opentofu/build-tofu.sh [version]     # default: the latest v1.x the proxy serves
#
# The binary lands in ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score/tofu-<version>/tofu,
# outside the work tree, and is reused when present (a later run costs nothing).
#
# Why a wrapper module: `go install github.com/opentofu/opentofu/cmd/tofu@vX` fails, because
# OpenTofu's go.mod replaces github.com/hashicorp/hcl/v2 with its own fork and `go install
# pkg@version` refuses modules with replace directives. A throw-away module that requires
# OpenTofu and copies that one replace line builds the same binary.
#
# Environment: TOFU_VERSION (same as the argument), GO (default go). Everything goes through the
# Go module proxy (or the module cache); nothing else is downloaded. Progress goes to stderr; the
# only line on stdout is the binary's path.
set -euo pipefail

GO="${GO:-go}"
MODULE=github.com/opentofu/opentofu
version="${1:-${TOFU_VERSION:-}}"

log() { printf 'build-tofu: %s\n' "$*" >&2; }

if [ -z "$version" ]; then
  # The newest v1.x release (no pre-releases) the proxy lists.
  version="$("$GO" list -m -versions "$MODULE" | tr ' ' '\n' \
    | grep -E '^v1\.[0-9]+\.[0-9]+$' | sort -V | tail -n1 || true)"
  if [ -z "$version" ]; then
    log "error: the Go module proxy lists no v1.x release of $MODULE (offline without a module cache?)"
    exit 1
  fi
fi
case "$version" in v*) ;; *) version="v$version" ;; esac

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score"
dest_dir="$cache_root/tofu-$version"
dest="$dest_dir/tofu"

if [ -x "$dest" ] && "$dest" version >/dev/null 2>&1; then
  log "reusing $dest"
  echo "$dest"
  exit 0
fi

mkdir -p "$dest_dir"
work="$(mktemp -d "$cache_root/tofu-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# OpenTofu's own go.mod: its Go version and its replace directive(s) for hcl.
modfile="$("$GO" mod download -json "$MODULE@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
if [ -z "$modfile" ] || [ ! -f "$modfile" ]; then
  log "error: could not download $MODULE@$version's go.mod from the module proxy"
  exit 1
fi
go_line="$(grep -E '^go [0-9]' "$modfile" | head -n1)"
replaces="$(grep -E '^replace[[:space:]]+github\.com/hashicorp/hcl/v2' "$modfile" || true)"
if [ -z "$replaces" ]; then
  log "note: $MODULE@$version's go.mod has no hcl replace directive; building without one"
fi

cat > "$work/go.mod" <<GOMOD
module tofu-wrapper

$go_line

require $MODULE $version

$replaces
GOMOD
# A file that imports the command keeps `go mod tidy` from dropping the requirement.
cat > "$work/tools.go" <<'GOSRC'
//go:build tools

package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
GOSRC

log "building tofu $version (module proxy, wrapper module in $work); a cold build takes ~4-5 min"
start=$SECONDS
(
  cd "$work"
  # GOFLAGS=-mod=mod lets go resolve the wrapper's dependency graph (and write go.sum) itself.
  GOFLAGS=-mod=mod "$GO" mod tidy >&2
  # The version string tofu reports comes from its version package; set it like the release build.
  GOFLAGS=-mod=mod nice -n 10 "$GO" build -trimpath \
    -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$work/tofu" "$MODULE/cmd/tofu"
)
mv -f "$work/tofu" "$dest"
log "built $dest in $((SECONDS - start)) s"
TF_CLI_CONFIG_FILE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/terraform.rc" "$dest" version >&2 || true
echo "$dest"
