#!/usr/bin/env bash
# Times score-k8s re-generating a project of N workloads whose state already exists. See
# tools/upstream/README.md. CI never runs this.
#
#   SCORE_K8S=/path/to/score-k8s tools/upstream/bench-k8s.sh [N] [RUNS]
#
# N (default 200) score files come from tools/upstream/genworkloads (deterministic content: two
# containers, service ports, a per-workload redis, a shared postgres `id: db`, a route and
# eight resource-output variables each). In a temp dir: `score-k8s init --no-sample`, one
# `score-k8s generate <all files>` (first run: primes and provisions every resource), then
# RUNS (default 5) timed re-runs of the same generate with the state present. Prints each run
# and the median wall-clock (and user+sys CPU) seconds.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${SCORE_K8S:?set SCORE_K8S to the score-k8s binary}"
SCORE_K8S=$(realpath "$SCORE_K8S")
n=${1:-200}
runs=${2:-5}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$repo" && go run ./tools/upstream/genworkloads -n "$n" -out "$work/project")
cd "$work/project"
files=(*.score.yaml)

"$SCORE_K8S" init --no-sample 2>/dev/null

# timed LOG: runs score-k8s generate on all files, stderr to LOG; prints "<wall> <cpu>" seconds
# (cpu = user + sys, less disturbed than wall-clock time by other load on the machine).
timed() {
  local real user sys
  TIMEFORMAT='%R %U %S'
  { time "$SCORE_K8S" generate "${files[@]}" 2>"$1"; } 2>"$work/time" || { tail -n 5 "$1" >&2; exit 1; }
  read -r real user sys <"$work/time"
  awk -v r="$real" -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f %.3f\n", r, u + s }'
}
median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

read -r wall cpu < <(timed "$work/first.log")
printf 'first generate (N=%d): %ss wall, %ss cpu, %d manifests\n' "$n" "$wall" "$cpu" "$(grep -c '^---$' manifests.yaml)"

walls=() cpus=()
for ((i = 1; i <= runs; i++)); do
  read -r wall cpu < <(timed "$work/run.log")
  walls+=("$wall") cpus+=("$cpu")
  printf 're-generate %d: %ss wall, %ss cpu\n' "$i" "$wall" "$cpu"
done

printf 'score-k8s %s, N=%d: median re-generate %.3fs wall (%.3fs cpu) over %d runs\n' \
  "$("$SCORE_K8S" --version | head -n1 | awk '{print $2}')" "$n" \
  "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" "$runs"
