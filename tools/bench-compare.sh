#!/usr/bin/env bash
# Compares the engine's benchmarks between a base commit and the working tree, fairly on a noisy
# machine: both builds' test binaries run in turns, ROUNDS times, and the medians are printed side by
# side. Absolute numbers drift from one hour to the next on shared VMs; alternating keeps the drift
# out of the comparison.
#
#   tools/bench-compare.sh [BASE] [ROUNDS] [BENCH regexp]
#   make bench-compare BASE=main~3 ROUNDS=6 BENCH='LoadTypical|RenderWorkload'
set -euo pipefail

base="${1:-HEAD}"
rounds="${2:-6}"
bench="${3:-.}"
root="$(git rev-parse --show-toplevel)"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$root" worktree add --quiet --detach "$work/base" "$base"
# Packages holding benchmarks in either tree (a benchmark that moved package is compared by name).
mapfile -t pkgs < <(for tree in "$root" "$work/base"; do
	(cd "$tree" && grep -rlE --include='*_test.go' '^func Benchmark' internal | xargs -n1 dirname)
done | sort -u)

build() { # tree label
	local tree="$1" label="$2" pkg
	for pkg in "${pkgs[@]}"; do
		if [ -d "$tree/$pkg" ]; then
			(cd "$tree" && go test -c -o "$work/$label/$(echo "$pkg" | tr / _).test" "./$pkg" >/dev/null)
		fi
	done
}
build "$work/base" base
build "$root" head

for ((i = 1; i <= rounds; i++)); do
	for label in base head; do
		tree="$root"
		[ "$label" = base ] && tree="$work/base"
		for bin in "$work/$label"/*.test; do
			pkg="$(basename "$bin" .test | tr _ /)"
			# Benchmarks read testdata relative to their own package directory.
			(cd "$tree/$pkg" && "$bin" -test.run '^$' -test.bench "$bench" -test.benchmem -test.count 1) |
				awk -v label="$label" '/^Benchmark/ { print label, $1, $3, $5, $7 }'
		done
	done
done >"$work/runs.txt"

awk '
	function median(list,   n, a, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	{ ns[$1 " " $2] = ns[$1 " " $2] " " $3; bytes[$1 " " $2] = $4; allocs[$1 " " $2] = $5; names[$2] = 1 }
	END {
		printf "%-48s %14s %14s %8s %12s %12s\n", "benchmark (median ns/op)", "base", "head", "change", "head B/op", "head allocs"
		for (name in names) {
			b = ("base " name) in ns ? median(ns["base " name]) : 0
			h = ("head " name) in ns ? median(ns["head " name]) : 0
			change = (b > 0 && h > 0) ? sprintf("%+.0f%%", (h - b) * 100 / b) : "n/a"
			printf "%-48s %14.0f %14.0f %8s %12s %12s\n", name, b, h, change, bytes["head " name], allocs["head " name]
		}
	}' "$work/runs.txt" | { read -r header; echo "$header"; sort; }
echo "($rounds rounds, base $(git -C "$root" rev-parse --short "$base"), head = working tree)"
