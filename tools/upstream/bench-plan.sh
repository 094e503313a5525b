#!/usr/bin/env bash
# Times, in one run, a no-change `terraform plan` of one score_project holding N generated
# workloads (kubernetes target) against `score-k8s generate` re-generating the same N files with
# its state present, and against Terraform's own floor: a no-change plan of one terraform_data
# holding exactly the attribute values the provider stored (python3 extracts them). CI never runs this (it needs a score-k8s binary built from source; see
# README.md).
#
#   SCORE_K8S=/path/to/score-k8s tools/upstream/bench-plan.sh [N] [RUNS]
#
# The score files come from genworkloads (the files bench-k8s.sh uses). Both sides start from an
# existing state: score-k8s from one `generate`, terraform from one `apply`. Then RUNS (default 5)
# timed rounds, each running score-k8s generate then terraform plan -detailed-exitcode (which
# must report no changes), so both see the same machine load. Prints the medians and their ratio.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${SCORE_K8S:?set SCORE_K8S to the score-k8s binary}"
SCORE_K8S=$(realpath "$SCORE_K8S")
n=${1:-200}
runs=${2:-5}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$repo" && go build -o "$work/bin/terraform-provider-score" . && go run ./tools/upstream/genworkloads -n "$n" -out "$work/files")

# score-k8s: its own copy of the files and state directory.
mkdir -p "$work/k8s" && cp "$work"/files/*.score.yaml "$work/k8s/"
(cd "$work/k8s" && "$SCORE_K8S" init --no-sample 2>/dev/null && "$SCORE_K8S" generate ./*.score.yaml 2>/dev/null)

# terraform: one score_project over the same files, through dev_overrides.
cat >"$work/tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "score-tf/score" = "$work/bin"
  }
  direct {}
}
TFRC
mkdir -p "$work/tf"
cat >"$work/tf/main.tf" <<'HCL'
terraform {
  required_providers {
    score = { source = "score-tf/score" }
  }
}
provider "score" {
  target    = "kubernetes"
  namespace = "bench"
}
resource "score_project" "bench" {
  workloads = {
    for f in fileset("${path.module}/../files", "*.score.yaml") :
    trimsuffix(f, ".score.yaml") => { file = "${path.module}/../files/${f}" }
  }
}
HCL
export TF_CLI_CONFIG_FILE="$work/tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
(cd "$work/tf" && terraform apply -auto-approve -no-color >"$work/apply.log" 2>&1) || { tail -n 20 "$work/apply.log" >&2; exit 1; }

# The floor: the same values in a terraform_data.
mkdir -p "$work/floor"
python3 - "$work/tf/terraform.tfstate" "$work/floor/attrs.json" <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
json.dump(state["resources"][0]["instances"][0]["attributes"], open(sys.argv[2], "w"))
PY
echo 'resource "terraform_data" "floor" { input = jsondecode(file("${path.module}/attrs.json")) }' >"$work/floor/main.tf"
(cd "$work/floor" && terraform init -no-color >/dev/null && terraform apply -auto-approve -no-color >/dev/null)

seconds() { local start=$1; awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }'; }
median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
k8s=() plans=() floors=()
for ((i = 1; i <= runs; i++)); do
  start=$(date +%s.%N)
  (cd "$work/k8s" && "$SCORE_K8S" generate ./*.score.yaml 2>/dev/null)
  k8s+=("$(seconds "$start")")
  start=$(date +%s.%N)
  status=0
  (cd "$work/tf" && terraform plan -detailed-exitcode -no-color >"$work/plan.log" 2>&1) || status=$?
  plans+=("$(seconds "$start")")
  if [ "$status" != 0 ]; then
    echo "terraform plan did not report an empty plan (exit $status):" >&2
    tail -n 20 "$work/plan.log" >&2
    exit 1
  fi
  start=$(date +%s.%N)
  (cd "$work/floor" && terraform plan -detailed-exitcode -no-color >/dev/null)
  floors+=("$(seconds "$start")")
  printf 'round %d: score-k8s generate %ss, terraform plan %ss, floor plan %ss\n' "$i" "${k8s[-1]}" "${plans[-1]}" "${floors[-1]}"
done
k=$(printf '%s\n' "${k8s[@]}" | median)
p=$(printf '%s\n' "${plans[@]}" | median)
f=$(printf '%s\n' "${floors[@]}" | median)
printf 'N=%d: medians: score-k8s generate %.3fs, no-change terraform plan %.3fs, floor %.3fs; plan/generate = %.2f, plan/floor = %.2f\n' \
  "$n" "$k" "$p" "$f" "$(awk -v p="$p" -v k="$k" 'BEGIN { print p / k }')" "$(awk -v p="$p" -v f="$f" 'BEGIN { print p / f }')"
