#!/usr/bin/env bash
# Builds golangci-lint, at the version pinned in tools/lint/go.mod, and prints the binary's path.
#
#   tools/lint/build.sh
#
# tools/lint is a module of its own that declares golangci-lint as a `tool`, so its large
# dependency tree stays out of the provider's go.mod; its go.sum pins every dependency. The binary
# is built with `go build -o` from that module into
# ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score/golangci-lint-<version>-<go>-<go.sum hash>/,
# outside the work tree, and reused while the version, the Go toolchain and go.sum stay the same
# (golangci-lint must be built with a Go at least as new as the code it checks). A cold build
# (empty module and build caches) takes a few minutes on a 2-core machine; see README.md.
#
# Environment: GO (default go). Everything comes from the Go module proxy (or the module cache).
# Progress goes to stderr; the only line on stdout is the binary's path.
set -euo pipefail

GO="${GO:-go}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKG=github.com/golangci/golangci-lint/v2/cmd/golangci-lint

log() { printf 'build-golangci-lint: %s\n' "$*" >&2; }

version="$(sed -n 's#^[[:space:]]*github.com/golangci/golangci-lint/v2 \(v[^ ]*\).*#\1#p' "$here/go.mod" | head -n1)"
if [ -z "$version" ]; then
  log "error: tools/lint/go.mod does not require github.com/golangci/golangci-lint/v2"
  exit 1
fi
go_version="$("$GO" env GOVERSION)"
sum="$(sha256sum "$here/go.sum" | cut -c1-12)"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score"
dest_dir="$cache_root/golangci-lint-$version-$go_version-$sum"
dest="$dest_dir/golangci-lint"

if [ -x "$dest" ] && "$dest" version >/dev/null 2>&1; then
  log "reusing $dest"
  echo "$dest"
  exit 0
fi

mkdir -p "$dest_dir"
log "building golangci-lint $version with $go_version (module tools/lint); a cold build takes a few minutes"
start=$SECONDS
tmp="$(mktemp "$dest_dir/golangci-lint.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
# -mod=readonly: the build must use exactly what go.mod and go.sum pin.
(cd "$here" && GOFLAGS="-mod=readonly -buildvcs=false" nice -n 10 "$GO" build -trimpath -o "$tmp" "$PKG")
mv -f "$tmp" "$dest"
log "built $dest in $((SECONDS - start)) s"
echo "$dest"
