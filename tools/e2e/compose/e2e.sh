#!/usr/bin/env bash
# make e2e-compose: checks rendered compose projects with the real Docker Compose, then runs one
# workload for real on a private dockerd. Offline: Compose builds from the Go module proxy (or the
# module cache), dockerd comes from Debian's docker.io package, the only image is built here.
#
#   1. Docker Compose v5 (wrapper module tools/e2e/compose/build) is built once into
#      ${XDG_CACHE_HOME:-~/.cache}/terraform-provider-score/docker-compose-<version>/ and installed
#      as a CLI plugin in a temporary DOCKER_CONFIG, so `docker compose` is that build.
#   2. Self-test: compose files that must be rejected (an unknown key, a depends_on on an
#      undefined service, a ${VAR} the env file does not define) are, and a valid one is not.
#   3. tools/e2e/compose/render renders every examples/ score file, the score-compose conformance
#      examples and one workload per built-in provisioner type with the engine;
#      `docker compose config` must accept each project (no daemon needed) with every ${VAR}
#      defined by the rendered .env (or, for environment resources, the shell).
#   4. dockerd starts with its own data/exec roots and socket and no networking of its own
#      (--bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false);
#      a one-file image holding a static Go program is imported; the rendered run-hello project
#      goes `up` (with network_mode: none from a harness override file) and what its container
#      prints is checked against the rendered values, secrets from .env included; then `down`.
#   Everything started is stopped (by PID) and the temporary directory removed on exit.
#
# Environment: GO (go command), E2E_COMPOSE_KEEP=1 keeps the temporary directory,
# E2E_COMPOSE_CONFORMANCE (default ../shared/conformance/score-compose-examples).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
HERE="$ROOT/tools/e2e/compose"
GO="${GO:-go}"
# Never download a Go toolchain (offline): the local one builds or the error says why.
export GOTOOLCHAIN=local

COMPOSE_MODULE=github.com/docker/compose/v5
COMPOSE_VERSION="$(awk -v m="$COMPOSE_MODULE" '$1 == m { print $2; exit }' "$HERE/build/go.mod")"
[ -n "$COMPOSE_VERSION" ] || { echo "e2e-compose: no $COMPOSE_MODULE requirement in $HERE/build/go.mod" >&2; exit 1; }
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score/docker-compose-$COMPOSE_VERSION"
COMPOSE_BIN="$CACHE_DIR/docker-compose"
CONFORMANCE="${E2E_COMPOSE_CONFORMANCE:-$ROOT/../shared/conformance/score-compose-examples}"
RUN_CASE=run-hello
RUN_SERVICE=e2e-hello-main
RUN_IMAGE=score-e2e/hello:1

START=$SECONDS
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - START))" "$*"; }
fail() { printf 'e2e-compose: FAIL: %s\n' "$*" >&2; exit 1; }

WORK=""
DOCKERD_PID=""
RUN_UP=""
cleanup() {
	local rc=$?
	set +e
	if [ -n "$RUN_UP" ]; then
		DC_TIMEOUT=60 run_compose down --volumes --remove-orphans --timeout 5 >/dev/null 2>&1
	fi
	stop_dockerd
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		# Mounts dockerd left behind (it was killed, or a container was): lazily, deepest first.
		awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
			umount -l "$m" 2>/dev/null
		done
		if [ "${E2E_COMPOSE_KEEP:-}" = 1 ]; then
			echo "e2e-compose: kept $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	if [ "$rc" -eq 0 ]; then
		printf 'e2e-compose: PASS (%ds)\n' "$((SECONDS - START))"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Processes still running that this run started: their command line names our own directory
# (dockerd's containerd and shims). Found by PID, never by name.
own_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		if { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -qF -- "$WORK/"; then
			echo "${p#/proc/}"
		fi
	done
	return 0
}

stop_dockerd() {
	[ -n "$DOCKERD_PID" ] || return 0
	local i
	if kill -0 "$DOCKERD_PID" 2>/dev/null; then
		kill -TERM "$DOCKERD_PID" 2>/dev/null
		for i in $(seq 1 60); do
			kill -0 "$DOCKERD_PID" 2>/dev/null || break
			sleep 0.5
		done
		if kill -0 "$DOCKERD_PID" 2>/dev/null; then
			echo "e2e-compose: dockerd (pid $DOCKERD_PID) did not stop in 30 s: killing it" >&2
			kill -KILL "$DOCKERD_PID" 2>/dev/null
		fi
	fi
	wait "$DOCKERD_PID" 2>/dev/null || true
	# dockerd stops its containerd when it stops; after a KILL, it cannot.
	local left
	left="$(own_pids)"
	if [ -n "$left" ]; then
		echo "e2e-compose: stopping what dockerd left running: pids" $left >&2
		kill -TERM $left 2>/dev/null
		sleep 2
		left="$(own_pids)"
		[ -z "$left" ] || kill -KILL $left 2>/dev/null
	fi
	DOCKERD_PID=""
}

# Debian's docker.io provides dockerd and a docker CLI (the machine may have a newer CLI already).
ensure_docker_io() {
	command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 && return 0
	step "installing Debian's docker.io (dockerd and docker are not both on PATH)"
	[ "$(id -u)" -eq 0 ] || fail "dockerd or docker is missing and this is not root: apt-get install docker.io first"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q docker.io >"$WORK/apt.log" 2>&1; then
		apt-get update -q >>"$WORK/apt.log" 2>&1 || true
		apt-get install -y -q docker.io >>"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log" >&2; fail "apt-get install docker.io failed"; }
	fi
	command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 || fail "docker.io is installed but dockerd/docker are not on PATH ($PATH)"
}

# Builds Docker Compose through the wrapper module, once per version and go.mod/go.sum content.
build_compose() {
	local stamp want tmp
	want="$(cat "$HERE/build/go.mod" "$HERE/build/go.sum" | sha256sum | cut -d' ' -f1)"
	stamp="$CACHE_DIR/build-inputs.sha256"
	if [ -x "$COMPOSE_BIN" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		step "docker compose $COMPOSE_VERSION: cached at $COMPOSE_BIN"
		return 0
	fi
	step "building docker compose $COMPOSE_VERSION from the module proxy into $CACHE_DIR (a few minutes, once)"
	mkdir -p "$CACHE_DIR"
	tmp="$(mktemp "$CACHE_DIR/docker-compose.XXXXXX")"
	if ! (cd "$HERE/build" && CGO_ENABLED=0 nice -n 10 "$GO" build -trimpath \
		-ldflags "-s -w -X $COMPOSE_MODULE/internal.Version=$COMPOSE_VERSION" \
		-o "$tmp" "$COMPOSE_MODULE/cmd"); then
		rm -f "$tmp"
		fail "building docker compose $COMPOSE_VERSION failed (see above)"
	fi
	chmod 755 "$tmp"
	mv -f "$tmp" "$COMPOSE_BIN"
	echo "$want" > "$stamp"
	step "built $COMPOSE_BIN"
}

# docker compose with a clean environment: only what the run needs, so the caller's shell can
# neither fill in a variable the rendered .env should define nor point at another daemon.
# DC_TIMEOUT (seconds) bounds the command.
dc() {
	${DC_TIMEOUT:+timeout "$DC_TIMEOUT"} env -i PATH="$PATH" HOME="$HOME" DOCKER_CONFIG="$DOCKER_CONFIG" ${DOCKER_HOST:+DOCKER_HOST="$DOCKER_HOST"} \
		docker compose "$@"
}

# check_case DIR: `docker compose config` on the case's compose files with its .env (and
# shell.env), which must succeed without warning that a variable is not set.
check_case() {
	local dir="$1" f args=()
	while read -r f; do
		[ -n "$f" ] && args+=(-f "$f")
	done < "$dir/compose-files"
	args+=(--env-file .env)
	[ -f "$dir/shell.env" ] && args+=(--env-file shell.env)
	if ! (cd "$dir" && dc "${args[@]}" config > config.out 2> config.err); then
		echo "  REJECTED: $(basename "$dir"): docker compose ${args[*]} config:"
		sed 's/^/    /' "$dir/config.err"
		return 1
	fi
	if grep -q 'variable is not set' "$dir/config.err"; then
		echo "  REJECTED: $(basename "$dir"): a \${VAR} is defined neither by .env nor by the shell:"
		sed 's/^/    /' "$dir/config.err"
		return 1
	fi
	# Compose warns that a config's mode "is not supported outside Swarm mode and will be
	# ignored", yet applies it (the run below checks a 0640 file): not worth a line per case.
	if grep -v 'mode is not supported outside Swarm mode' "$dir/config.err" | grep -q .; then
		echo "  warning from docker compose for $(basename "$dir"):"
		grep -v 'mode is not supported outside Swarm mode' "$dir/config.err" | sed 's/^/    /'
	fi
	return 0
}

# A self-test case: a compose file (and optionally an env file) written from arguments.
selftest_case() {
	local dir="$WORK/selftest/$1"
	mkdir -p "$dir"
	printf '%s\n' "$2" > "$dir/compose.yaml"
	printf '%s' "${3:-}" > "$dir/.env"
	echo compose.yaml > "$dir/compose-files"
	echo "$dir"
}

selftest() {
	step "self-test: docker compose config must reject broken compose files"
	local dir bad=0
	dir="$(selftest_case valid 'name: selftest
services:
  app:
    image: busybox:latest
    environment:
      PASSWORD: ${SECRET_VALUE}
    depends_on:
      db: {condition: service_started, required: true}
  db:
    image: busybox:latest' "SECRET_VALUE='x'
")"
	if ! check_case "$dir" >"$dir/check.log"; then
		cat "$dir/check.log"
		fail "self-test: a valid compose file was rejected, so the checks below would prove nothing"
	fi
	echo "  ok: a valid compose file is accepted"
	local -A broken=(
		[unknown-key]='name: selftest
services:
  app:
    image: busybox:latest
    imagee: typo'
		[undefined-depends-on]='name: selftest
services:
  app:
    image: busybox:latest
    depends_on:
      db: {condition: service_healthy, required: true}'
		[unset-variable]='name: selftest
services:
  app:
    image: busybox:latest
    environment:
      PASSWORD: ${NOT_IN_THE_ENV_FILE}'
		[wrong-type]='name: selftest
services:
  app:
    image: busybox:latest
    configs:
      - source: cfg
        target: /etc/app.conf
        mode: "rw"
configs:
  cfg:
    content: hello'
	)
	local name
	for name in $(printf '%s\n' "${!broken[@]}" | sort); do
		dir="$(selftest_case "$name" "${broken[$name]}")"
		if check_case "$dir" >"$dir/check.log"; then
			echo "  NOT REJECTED: $name"
			bad=1
		else
			echo "  ok: $name is rejected: $(grep -v REJECTED "$dir/check.log" | grep -v '^ *$' | tail -1 | sed 's/^ *//')"
		fi
	done
	[ "$bad" -eq 0 ] || fail "self-test: docker compose config accepted a broken compose file"
}

start_dockerd() {
	local d="$WORK/d" i
	mkdir -p "$d"
	echo '{}' > "$d/daemon.json"
	step "starting dockerd ($(dockerd --version)) without networking of its own, in $d"
	# No bridge, no iptables/ip6tables rules, no ip_forward or masquerading: this daemon touches
	# no host networking; containers use network_mode none (or host). Its own config file keeps
	# a host /etc/docker/daemon.json out.
	dockerd --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
		--config-file="$d/daemon.json" --data-root="$d/data" --exec-root="$d/exec" \
		--pidfile="$d/dockerd.pid" -H "unix://$d/docker.sock" >"$d/dockerd.log" 2>&1 &
	DOCKERD_PID=$!
	export DOCKER_HOST="unix://$d/docker.sock"
	for i in $(seq 1 120); do
		if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
			wait "$DOCKERD_PID" 2>/dev/null || true
			DOCKERD_PID=""
			echo "---- dockerd log (last 30 lines) ----" >&2
			tail -30 "$d/dockerd.log" >&2
			local why
			why="$(grep -E 'level=(fatal|error)|failed to start' "$d/dockerd.log" | tail -1)"
			[ -n "$why" ] || why="$(grep -v '^ *$' "$d/dockerd.log" | tail -1)"
			fail "dockerd could not start on this machine: ${why:-it printed nothing} (full log above)"
		fi
		if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
			echo "  dockerd pid $DOCKERD_PID ready after $((i / 2)) s: engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
			return 0
		fi
		sleep 0.5
	done
	echo "---- dockerd log (last 30 lines) ----" >&2
	tail -30 "$d/dockerd.log" >&2
	fail "dockerd did not answer on $DOCKER_HOST within 60 s"
}

run_compose() {
	(cd "$WORK/cases/$RUN_CASE" && dc -f compose.yaml -f override.yaml --env-file .env "$@")
}

# want KEY VALUE: the container printed KEY with exactly VALUE.
want() {
	local key="$1" value="$2" line got
	line="$(awk -F '\t' -v k="score-e2e-hello $key" '$1 == k { print $2; exit }' "$RUN_OUT")"
	if [ -z "$line" ]; then
		echo "  MISSING: the container printed no $key"
		return 1
	fi
	got="$(printf '%s' "$line" | base64 -d; printf x)"
	got="${got%x}"
	if [ "$got" != "$value" ]; then
		echo "  WRONG: $key is $(printf '%q' "$got"), want $(printf '%q' "$value")"
		return 1
	fi
	echo "  ok: $key = $(printf '%q' "$value")"
}

run_workload() {
	local dir="$WORK/cases/$RUN_CASE" img="$WORK/image" bad=0
	step "building the test image $RUN_IMAGE (a static Go binary, docker import)"
	mkdir -p "$img"
	(cd "$ROOT" && CGO_ENABLED=0 nice -n 10 "$GO" build -trimpath -ldflags '-s -w' -o "$img/hello" ./tools/e2e/compose/hello)
	tar -C "$img" -cf "$img/hello.tar" hello
	docker import -c 'ENTRYPOINT ["/hello"]' "$img/hello.tar" "$RUN_IMAGE" >/dev/null
	docker image ls "$RUN_IMAGE"

	step "docker compose up: $RUN_CASE"
	# The renderer gives the service a hostname and the default compose network; this daemon has
	# no bridge, so the harness (not the product) adds network_mode: none.
	cat > "$dir/override.yaml" <<-EOF
		# Written by tools/e2e/compose/e2e.sh: the e2e dockerd runs with --bridge=none.
		services:
		  $RUN_SERVICE:
		    network_mode: none
	EOF
	RUN_UP=1
	local rc=0
	DC_TIMEOUT=180 run_compose up --pull never --no-color --abort-on-container-exit --exit-code-from "$RUN_SERVICE" \
		> "$dir/up.log" 2>&1 || rc=$?
	sed 's/^/    /' "$dir/up.log"
	[ "$rc" -eq 0 ] || fail "docker compose up of $RUN_CASE exited with $rc"
	if [ -n "$(docker network ls -q --filter label=com.docker.compose.project=e2e-run)" ]; then
		echo "  WRONG: compose created a network for the project although its service has network_mode: none"
		bad=1
	fi
	RUN_OUT="$dir/container.log"
	run_compose logs --no-color --no-log-prefix "$RUN_SERVICE" > "$RUN_OUT"

	step "checking what the container printed against the rendered values"
	want hostname "e2e-hello" || bad=1
	want env:E2E_GREETING "hello e2e-hello" || bad=1
	want env:E2E_SECRET "$RUN_SECRET" || bad=1
	want env:E2E_TOKEN "$RUN_TOKEN" || bad=1
	want env:E2E_LITERAL '$HOME and ${NOT_A_VAR}' || bad=1
	want file:/etc/hello/message.txt $'message for e2e-hello\n' || bad=1
	want mode:/etc/hello/message.txt 0640 || bad=1
	want file:/etc/hello/secret.txt "token=$RUN_SECRET"$'\n' || bad=1
	want file:/data/stamp $'written by e2e-hello\n' || bad=1
	grep -q '^score-e2e-hello: done$' "$RUN_OUT" || { echo "  WRONG: the container did not finish"; bad=1; }

	step "docker compose down: $RUN_CASE"
	DC_TIMEOUT=60 run_compose down --volumes --remove-orphans --timeout 5 2>&1 | sed 's/^/    /'
	RUN_UP=""
	if [ -n "$(docker ps -aq)" ] || [ -n "$(docker volume ls -q)" ]; then
		echo "  WRONG: containers or volumes remain after down:"
		docker ps -a
		docker volume ls
		bad=1
	fi
	[ "$bad" -eq 0 ] || fail "the running workload did not show the rendered values (see above)"
}

main() {
	WORK="$(mktemp -d "${TMPDIR:-/tmp}/score-e2e-compose.XXXXXX")"
	# dockerd's containerd socket lives under the exec root: unix socket paths are short.
	[ "${#WORK}" -le 60 ] || fail "the temporary directory $WORK is too long a path for dockerd's sockets: set TMPDIR to a shorter directory"

	build_compose
	ensure_docker_io
	export DOCKER_CONFIG="$WORK/docker-config"
	mkdir -p "$DOCKER_CONFIG/cli-plugins"
	ln -s "$COMPOSE_BIN" "$DOCKER_CONFIG/cli-plugins/docker-compose"
	unset DOCKER_HOST DOCKER_CONTEXT
	local version
	version="$(docker compose version)" || fail "docker compose does not run (plugin $COMPOSE_BIN)"
	step "$(command -v docker): $(docker --version); compose plugin: $version"
	[[ "$version" == *"$COMPOSE_VERSION"* ]] || fail "docker compose is not the build of $COMPOSE_VERSION: $version"

	selftest

	step "rendering every case with the engine (tools/e2e/compose/render)"
	(cd "$ROOT" && nice -n 10 "$GO" build -o "$WORK/bin/render" ./tools/e2e/compose/render)
	RUN_SECRET="e2e 'secret' \$HOME \"dq\" \\back #x $(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	RUN_TOKEN="tok \$HOME \${X} \"dq\" \\n #y $(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	(cd "$ROOT" && E2E_COMPOSE_RUN_SECRET="$RUN_SECRET" E2E_COMPOSE_RUN_TOKEN="$RUN_TOKEN" \
		"$WORK/bin/render" -out "$WORK/cases" -examples examples -conformance "$CONFORMANCE" -run-image "$RUN_IMAGE") \
		|| fail "the engine did not render every case (see above)"

	step "docker compose config on every rendered case"
	local dir rejected=() n=0
	for dir in "$WORK"/cases/*/; do
		dir="${dir%/}"
		n=$((n + 1))
		if check_case "$dir"; then
			echo "  ok: $(basename "$dir")"
		else
			rejected+=("$(basename "$dir")")
		fi
	done
	# The bound secrets live in .env (and the secret file) only, never in compose.yaml, which
	# holds the non-secret configs inline.
	local rundir="$WORK/cases/$RUN_CASE"
	if grep -rlF -e "$RUN_SECRET" -e "$RUN_TOKEN" "$rundir/compose.yaml"; then
		echo "  REJECTED: $RUN_CASE: a bound secret value is in compose.yaml"
		rejected+=("$RUN_CASE (secret in compose.yaml)")
	fi
	echo "  $((n - ${#rejected[@]})) of $n cases accepted"
	[ "${#rejected[@]}" -eq 0 ] || fail "docker compose rejected: ${rejected[*]}"

	start_dockerd
	run_workload
	stop_dockerd
	step "dockerd stopped"
}

main "$@"
