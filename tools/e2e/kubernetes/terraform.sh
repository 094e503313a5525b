#!/usr/bin/env bash
# Applies examples/kubernetes with a real terraform to the running API server: the score provider
# (built here) and the kubectl provider (gavinbunney/kubectl, built once from the Go module proxy
# and cached) come from a filesystem mirror. The apply must succeed, the objects must be readable
# with kubectl, and the next plan must be empty (no drift between what was rendered and what the
# server keeps). Called by run.sh: terraform.sh WORKDIR KUBECONFIG KUBECTL.
set -euo pipefail

work="$1" kubeconfig="$2" kubectl="$3"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
GO="${GO:-go}"
log() { echo "e2e-kubernetes: $*" >&2; }

version=1.19.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score/terraform-provider-kubectl-v$version"
if [ ! -x "$cache/terraform-provider-kubectl" ]; then
	log "building gavinbunney/kubectl v$version from the Go module proxy (cached in $cache)"
	mkdir -p "$cache"
	tmp="$(mktemp -d "$cache/build.XXXXXX")"
	(cd "$tmp" && GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-buildvcs=false nice "$GO" install "github.com/gavinbunney/terraform-provider-kubectl@v$version")
	mv "$tmp/terraform-provider-kubectl" "$cache/terraform-provider-kubectl"
	rm -rf "$tmp"
fi

platform="$("$GO" env GOOS)_$("$GO" env GOARCH)"
mirror="$work/tf-mirror/registry.terraform.io"
mkdir -p "$mirror/score-tf/score/0.0.1/$platform" "$mirror/gavinbunney/kubectl/$version/$platform"
(cd "$root" && "$GO" build -o "$mirror/score-tf/score/0.0.1/$platform/terraform-provider-score_v0.0.1" .)
ln -f "$cache/terraform-provider-kubectl" "$mirror/gavinbunney/kubectl/$version/$platform/terraform-provider-kubectl_v$version" 2>/dev/null ||
	cp "$cache/terraform-provider-kubectl" "$mirror/gavinbunney/kubectl/$version/$platform/terraform-provider-kubectl_v$version"
cat > "$work/tf.rc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/tf-mirror"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
RC

dir="$work/tf-example"
rm -rf "$dir" && cp -R "$root/examples/kubernetes" "$dir"
"$kubectl" --kubeconfig "$kubeconfig" create namespace shop >&2

tf() { TF_CLI_CONFIG_FILE="$work/tf.rc" KUBE_CONFIG_PATH="$kubeconfig" CHECKPOINT_DISABLE=1 terraform -chdir="$dir" "$@"; }
tf init -input=false -no-color > "$work/tf-init.log" 2>&1 || { cat "$work/tf-init.log" >&2; exit 1; }
# No controllers run on this API server, so nothing ever rolls out: do not wait for it.
tf apply -auto-approve -input=false -no-color -var wait_for_rollout=false > "$work/tf-apply.log" 2>&1 || { cat "$work/tf-apply.log" >&2; exit 1; }
"$kubectl" --kubeconfig "$kubeconfig" -n shop get deployment/web service/web >&2
status=0
tf plan -detailed-exitcode -input=false -no-color -var wait_for_rollout=false > "$work/tf-plan.log" 2>&1 || status=$?
if [ "$status" != 0 ]; then
	cat "$work/tf-plan.log" >&2
	log "the plan after apply is not empty (exit $status): what the server keeps differs from what was rendered"
	exit 1
fi
log "examples/kubernetes applied with terraform and the kubectl provider; the next plan is empty"
