#!/usr/bin/env bash
# Builds kube-apiserver and kubectl from the Go module proxy (through the wrapper module in
# ./apiserver) and caches them outside the repository:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score/kube-apiserver-<version>/{kube-apiserver,kubectl}
#
# Prints the cache directory on stdout. A cached build is reused when it was made from the same
# go.sum with the same Go version; otherwise it is rebuilt (~4 min and ~2.3 GB of RAM on a 2-core
# machine). kubectl is built too so its version matches the server's (the machine's kubectl, if
# any, may be years older or newer).
#
# Environment: E2E_BUILD_GOFLAGS adds go build flags (for example -p=1 when memory is tight);
# E2E_BUILD_NICE is the nice level of the build (default 10).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mod="$here/apiserver"
version="$(sed -n 's/^[[:space:]]*k8s\.io\/kubernetes \(v[0-9][^[:space:]]*\).*$/\1/p' "$mod/go.mod" | head -n1)"
[ -n "$version" ] || { echo "error: no k8s.io/kubernetes requirement in $mod/go.mod" >&2; exit 1; }

cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score/kube-apiserver-$version"
stamp="$(cat "$mod/go.mod" "$mod/go.sum" | sha256sum | cut -c1-16) $(go env GOVERSION)"
mkdir -p "$cache"

# One build at a time per cache directory (two concurrent `make e2e-kubernetes` runs).
exec 9>"$cache/.lock"
flock 9

if [ -x "$cache/kube-apiserver" ] && [ -x "$cache/kubectl" ] && [ "$(cat "$cache/.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "using cached kube-apiserver and kubectl $version in $cache" >&2
	echo "$cache"
	exit 0
fi

echo "building kube-apiserver and kubectl $version from the Go module proxy into $cache (takes a few minutes)..." >&2
minor="${version#v1.}"; minor="${minor%%.*}"
pkg_version="k8s.io/component-base/version"
client_version="k8s.io/client-go/pkg/version"
ldflags="-s -w"
for p in "$pkg_version" "$client_version"; do
	ldflags+=" -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done
tmp="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
(
	cd "$mod"
	# -mod=readonly: build exactly what go.mod/go.sum pin, never write to the repository.
	# shellcheck disable=SC2086
	nice -n "${E2E_BUILD_NICE:-10}" env GOFLAGS="${GOFLAGS:-} -mod=readonly" CGO_ENABLED=0 \
		go build -trimpath ${E2E_BUILD_GOFLAGS:-} -ldflags "$ldflags" -o "$tmp/" \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
)
mv -f "$tmp/kube-apiserver" "$cache/kube-apiserver"
mv -f "$tmp/kubectl" "$cache/kubectl"
echo "$stamp" > "$cache/.stamp"
echo "built kube-apiserver and kubectl $version in $((SECONDS - start)) s" >&2
echo "$cache"
