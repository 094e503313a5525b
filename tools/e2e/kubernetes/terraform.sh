#!/usr/bin/env bash
# Applies examples/kubernetes and examples/project-kubernetes with a real terraform to the running
# API server: the score provider (built here) and the kubectl provider (gavinbunney/kubectl, built
# once from the Go module proxy and cached) come from a filesystem mirror. Each apply must succeed,
# the objects must be readable with kubectl, and the next plan must be empty (no drift between
# what was rendered and what the server keeps). Then the worker workload is removed from the
# project (an override file replaces `workloads`): the plan must destroy exactly the worker's
# objects, the apply must delete them from the server while the rest stays, and the next plan
# must be empty. Called by run.sh: terraform.sh WORKDIR KUBECONFIG KUBECTL.
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

# --- examples/project-kubernetes ---------------------------------------------------------------

ns=shop-project
dir="$work/tf-project"
rm -rf "$dir" && cp -R "$root/examples/project-kubernetes" "$dir"
k() { "$kubectl" --kubeconfig "$kubeconfig" "$@"; }
# empty_plan WHAT: the plan must be empty.
empty_plan() {
	local status=0
	tf plan -detailed-exitcode -input=false -no-color -var wait_for_rollout=false -var namespace="$ns" > "$work/tf-project-plan.log" 2>&1 || status=$?
	if [ "$status" != 0 ]; then
		cat "$work/tf-project-plan.log" >&2
		log "FAIL: the plan $1 is not empty (exit $status)"
		exit 1
	fi
	log "examples/project-kubernetes: the plan $1 is empty"
}
# server_objects: the project's objects on the server, as kind/name lines (the Namespace too).
server_objects() {
	{
		k get namespace "$ns" -o name
		k -n "$ns" get deployments,statefulsets,services,secrets,httproutes.gateway.networking.k8s.io -o name
	} | sort
}
# planned_objects: what the configuration manages, as kind/name lines (from the kubectl_manifest
# instances' keys in the state: <group or core>/<version>/<Kind>/<namespace or _>/<name>).
planned_objects() {
	tf state list | sed -n 's/^kubectl_manifest\.[a-z_]*\["\(.*\)"\]$/\1/p; s/^kubectl_manifest\.namespace$/core\/v1\/Namespace\/_\/'"$ns"'/p' |
		awk -F/ '{ g = ($1 == "core") ? "" : "." $1; print tolower($3) g "/" $5 }' | sort
}

tf init -input=false -no-color > "$work/tf-project-init.log" 2>&1 || { cat "$work/tf-project-init.log" >&2; exit 1; }
tf apply -auto-approve -input=false -no-color -var wait_for_rollout=false -var namespace="$ns" > "$work/tf-project-apply.log" 2>&1 ||
	{ cat "$work/tf-project-apply.log" >&2; exit 1; }
log "examples/project-kubernetes: $(grep -E '^Apply complete' "$work/tf-project-apply.log")"
server_objects > "$work/project-objects.before"
sed 's/^/    /' "$work/project-objects.before" >&2
if ! diff <(planned_objects) <(grep -v '^secret/default-token' "$work/project-objects.before") > "$work/project-objects.diff"; then
	cat "$work/project-objects.diff" >&2
	log "FAIL: the objects on the server (>) are not the objects terraform manages (<)"
	exit 1
fi
log "examples/project-kubernetes: the server holds exactly the $(wc -l < "$work/project-objects.before") objects terraform manages"
empty_plan "after apply"

# Remove the worker: an override file replaces `workloads` without it.
cat > "$dir/e2e_override.tf" <<'TF'
resource "score_project" "shop" {
  workloads = {
    api = { file = "${path.module}/api.score.yaml" }
    web = { file = "${path.module}/web.score.yaml" }
  }
}
TF
tf plan -input=false -no-color -var wait_for_rollout=false -var namespace="$ns" -out="$work/tf-project-remove.plan" > "$work/tf-project-remove-plan.log" 2>&1 ||
	{ cat "$work/tf-project-remove-plan.log" >&2; exit 1; }
destroyed="$(tf show -json "$work/tf-project-remove.plan" | jq -r '.resource_changes[] | select(.change.actions == ["delete"]) | .address' | sort)"
changed="$(tf show -json "$work/tf-project-remove.plan" | jq -r '.resource_changes[] | select(.change.actions != ["delete"] and .change.actions != ["no-op"]) | "\(.address) \(.change.actions | join(","))"' | sort)"
want_destroyed="$(printf '%s\n' "kubectl_manifest.secrets[\"core/v1/Secret/$ns/worker-main-env\"]" "kubectl_manifest.shop[\"apps/v1/Deployment/$ns/worker\"]" | sort)"
log "examples/project-kubernetes without worker: $(grep -E '^Plan:' "$work/tf-project-remove-plan.log")"
printf '%s\n' "$destroyed" | sed 's/^/    destroy: /' >&2
printf '%s\n' "$changed" | sed 's/^/    change:  /' >&2
if [ "$destroyed" != "$want_destroyed" ] || [ "$changed" != "score_project.shop update" ]; then
	cat "$work/tf-project-remove-plan.log" >&2
	log "FAIL: removing worker should destroy exactly its Deployment and Secret and update only score_project.shop"
	exit 1
fi
tf apply -auto-approve -input=false -no-color "$work/tf-project-remove.plan" > "$work/tf-project-remove-apply.log" 2>&1 ||
	{ cat "$work/tf-project-remove-apply.log" >&2; exit 1; }
log "examples/project-kubernetes without worker: $(grep -E '^Apply complete' "$work/tf-project-remove-apply.log")"
server_objects > "$work/project-objects.after"
gone="$(comm -23 "$work/project-objects.before" "$work/project-objects.after")"
added="$(comm -13 "$work/project-objects.before" "$work/project-objects.after")"
printf '%s\n' "$gone" | sed 's/^/    deleted from the server: /' >&2
if [ "$gone" != "$(printf '%s\n' deployment.apps/worker secret/worker-main-env)" ] || [ -n "$added" ]; then
	log "FAIL: the server should have lost exactly deployment.apps/worker and secret/worker-main-env (gone: $(echo $gone); new: $(echo $added))"
	exit 1
fi
for obj in deployment/worker secret/worker-main-env; do
	if out="$(k -n "$ns" get "$obj" 2>&1)"; then
		log "FAIL: $obj is still on the server: $out"
		exit 1
	fi
	log "examples/project-kubernetes: kubectl get $obj: $out"
done
empty_plan "after removing worker"
