#!/usr/bin/env bash
# Regenerates the upstream reference outputs (score-compose and score-k8s) for the
# multi-workload fixture projects. See tools/upstream/README.md. CI never runs this.
#
#   SCORE_COMPOSE=/path/to/score-compose SCORE_K8S=/path/to/score-k8s tools/upstream/generate-fixtures.sh
#
# Environment:
#   SCORE_COMPOSE, SCORE_K8S  the upstream binaries (required; built from source, see README)
#   FRESH=1                   start from an empty state instead of the committed state.yaml
#                             (new random names, passwords and guids everywhere)
#   CONFORMANCE               the score-compose examples (default: ../shared/conformance/score-compose-examples)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${SCORE_COMPOSE:?set SCORE_COMPOSE to the score-compose binary}"
: "${SCORE_K8S:?set SCORE_K8S to the score-k8s binary}"
SCORE_COMPOSE=$(realpath "$SCORE_COMPOSE")
SCORE_K8S=$(realpath "$SCORE_K8S")
FRESH=${FRESH:-}
CONFORMANCE=${CONFORMANCE:-$repo/../shared/conformance/score-compose-examples}
[[ -d "$CONFORMANCE" ]] || { echo "error: no conformance examples at $CONFORMANCE" >&2; exit 1; }
CONFORMANCE=$(cd "$CONFORMANCE" && pwd)
projects=$repo/internal/score/engine/testdata/project
singles=$repo/internal/score/engine/testdata/upstream
# Extra arguments of `init` and the environment of `generate` for the case being rendered (set by
# the single-workload loop below, empty otherwise).
INIT_ARGS=()
GENERATE_ENV=()

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$repo" && go build -o "$work/canon" ./tools/upstream/canon)

# version_of BIN: "<name> <version>\ngit commit: <sha>" from BIN --version; fails without a commit.
version_of() {
  local out name commit
  out=$("$1" --version)
  name=$(head -n1 <<<"$out" | awk '{print $1, $2}')
  commit=$(sed -n 's/^git commit: //p' <<<"$out")
  if [[ ! "$commit" =~ ^[0-9a-f]{40}$ ]]; then
    echo "error: $1 --version names no git commit; build it with -ldflags -X .../internal/version.GitCommit=<sha> (see README)" >&2
    return 1
  fi
  printf '%s\ngit commit: %s\n' "$name" "$commit"
}
compose_version=$(version_of "$SCORE_COMPOSE")
k8s_version=$(version_of "$SCORE_K8S")

# errors_of LOG: the log without its INFO lines (these carry passwords and timings, not the error).
errors_of() { grep -v '^INFO: ' "$1" || true; }

# render TOOL PROJECT SRC OUT FILE...: copies the score files FILE... from SRC into a new temp dir,
# runs `TOOL init --no-sample` there (seeded with OUT/state.yaml unless FRESH), then
# `TOOL generate FILE...`, and replaces OUT with the outputs (or OUT/generate.error).
render() {
  local tool=$1 project=$2 src=$3 out=$4
  shift 4
  local dir="$work/$tool-${out//\//_}" statedir bin
  rm -rf "$dir"
  mkdir -p "$dir"
  for f in "$@"; do cp "$src/$f" "$dir/$f"; done
  case $tool in
    score-compose) statedir=.score-compose bin=$SCORE_COMPOSE ;;
    score-k8s) statedir=.score-k8s bin=$SCORE_K8S ;;
  esac
  (
    cd "$dir"
    if [[ $tool == score-compose ]]; then
      "$bin" init --no-sample --project "$project" "${INIT_ARGS[@]}" 2>init.log || { cat init.log >&2; exit 1; }
    else
      "$bin" init --no-sample "${INIT_ARGS[@]}" 2>init.log || { cat init.log >&2; exit 1; }
    fi
    if [[ -z "$FRESH" && -f "$out/state.yaml" ]]; then
      cp "$out/state.yaml" "$statedir/state.yaml"
    fi
    rm -rf "$out"
    mkdir -p "$out"
    if [[ $tool == score-compose ]]; then
      echo "$compose_version" >"$out/VERSION"
    else
      echo "$k8s_version" >"$out/VERSION"
    fi
    if env "${GENERATE_ENV[@]}" "$bin" generate "$@" 2>generate.log; then
      if [[ $tool == score-compose ]]; then
        cp compose.yaml "$out/compose.yaml"
        if [[ -d "$statedir/mounts" ]] && [[ -n "$(ls -A "$statedir/mounts")" ]]; then
          cp -r "$statedir/mounts" "$out/mounts"
        fi
      else
        "$work/canon" manifests.yaml "$out/manifests.yaml"
      fi
      cp "$statedir/state.yaml" "$out/state.yaml"
      # upstream writes state.yaml with mode 0755; fixtures are plain files
      find "$out" -type f -exec chmod 644 {} +
      echo "  $tool: ${out#"$repo"/}"
    else
      errors_of generate.log >"$out/generate.error"
      echo "  $tool: ${out#"$repo"/} FAILED: $(head -n1 "$out/generate.error")"
    fi
  )
}

echo "shop"
shop=$projects/shop
shop_files=(api.score.yaml web.score.yaml worker.score.yaml)
render score-compose shop "$shop" "$shop/upstream/score-compose" "${shop_files[@]}"
render score-k8s shop "$shop" "$shop/upstream/score-k8s" "${shop_files[@]}"

# Every example directory holding more than one score file (any *.yaml with apiVersion score.dev/).
for exdir in "$CONFORMANCE"/*/; do
  ex=$(basename "$exdir")
  files=()
  for f in "$exdir"*.yaml; do
    [[ -f "$f" ]] && grep -q '^apiVersion: *score\.dev/' "$f" && files+=("$(basename "$f")")
  done
  ((${#files[@]} > 1)) || continue
  echo "conformance/$ex (${files[*]})"
  out=$projects/conformance/$ex
  render score-compose "$ex" "$exdir" "$out/score-compose" "${files[@]}"
  render score-k8s "$ex" "$exdir" "$out/score-k8s" "${files[@]}"
done

# Single workloads of the fidelity differential tests (issue 16, items 1, 2 and 5), compose only:
# each directory of testdata/upstream holds score.yaml, optionally provisioners.yaml (given to
# `init --provisioners`) and generate.env (KEY=VALUE lines: the environment `generate` runs in,
# which score-compose reads for environment resources used in files).
for dir in "$singles"/*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  INIT_ARGS=()
  GENERATE_ENV=()
  [[ -f "$dir/provisioners.yaml" ]] && INIT_ARGS=(--provisioners "$dir/provisioners.yaml")
  [[ -f "$dir/generate.env" ]] && mapfile -t GENERATE_ENV < <(grep -v '^#' "$dir/generate.env" | grep .)
  echo "upstream/$name"
  render score-compose "$name" "$dir" "$dir/score-compose" score.yaml
done
INIT_ARGS=()
GENERATE_ENV=()
