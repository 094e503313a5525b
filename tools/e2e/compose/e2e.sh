#!/usr/bin/env bash
# make e2e-compose: checks rendered compose projects with the real Docker Compose, then runs one
# workload and the three-workload project example for real on a private dockerd. Offline:
# Compose and hashicorp/local build from the Go module proxy (or the module cache), dockerd comes
# from Debian's docker.io package, nginx and busybox from Debian packages; every image is built
# here.
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
#   4. examples/project-compose is applied with terraform: the provider built here and
#      hashicorp/local (built once from the module proxy, cached where `make e2e-local` caches
#      it) from a filesystem mirror; it writes the three-workload project (compose.yaml, .env,
#      the router's nginx.conf), `docker compose config` must accept it, and the next plan must
#      be empty.
#   5. dockerd starts in a network namespace of its own (unshare --net: only a loopback, nothing
#      shared with the host), with its own data/exec roots and socket, no default bridge and no
#      iptables rules (--bridge=none --iptables=false --ip6tables=false --ip-forward=false
#      --ip-masq=false); the networks compose creates live in that namespace, addressed from
#      198.18.0.0/16 (the benchmarking range, RFC 2544), and published ports bind there only.
#      a. A one-file image holding a static Go program is imported; the rendered run-hello
#         project goes `up` (with network_mode: none from a harness override file) and what its
#         container prints is checked against the rendered values, secrets from .env included.
#      b. The project terraform wrote goes `up --wait` as written, no override: every image it
#         names is a local stand-in (tools/e2e/compose/shop: the workloads and the postgres and
#         redis servers, which check the credentials their clients send; the router is Debian's
#         nginx, downloaded with apt-get, not installed, with busybox for its healthcheck). From
#         inside the namespace, requests to the router's published port reach api and web (web
#         answering with what api told it through its service-port URL), an unknown host gets
#         the router's 404, the database's published port takes the password .env holds and
#         refuses another; the workloads' start checks and start order are read back.
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
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score"
PROJECT_EXAMPLE=examples/project-compose
# The images examples/project-compose names, and what stands in for each (tools/e2e/compose/shop
# by the name it is called with, or Debian's nginx).
declare -A PROJECT_IMAGES=(
	[ghcr.io/example/shop-api:1.0.0]=app
	[ghcr.io/example/shop-web:1.0.0]=app
	[ghcr.io/example/shop-worker:1.0.0]=app
	[postgres:17-alpine]=postgres
	[redis:7-alpine]=redis-server
	[nginx:1.27-alpine]=nginx
)

START=$SECONDS
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - START))" "$*"; }
fail() { printf 'e2e-compose: FAIL: %s\n' "$*" >&2; exit 1; }

WORK=""
DOCKERD_PID=""
RUN_UP=""
PROJECT_UP=""
cleanup() {
	local rc=$?
	set +e
	if [ -n "$RUN_UP" ]; then
		DC_TIMEOUT=60 run_compose down --volumes --remove-orphans --timeout 5 >/dev/null 2>&1
	fi
	if [ -n "$PROJECT_UP" ]; then
		DC_TIMEOUT=60 project_compose down --volumes --remove-orphans --timeout 5 >/dev/null 2>&1
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
	step "starting dockerd ($(dockerd --version)) in a network namespace of its own, in $d"
	# A new network namespace holding only a loopback (unshare execs into dockerd, so $! is
	# dockerd's PID): the networks compose creates, their bridge and veths, Docker's DNS and the
	# ports containers publish all live there and vanish with it; nothing touches the host's
	# networking. No default bridge, no iptables/ip6tables rules, no ip_forward or masquerading;
	# networks are addressed from the benchmarking range 198.18.0.0/15 (RFC 2544), never a
	# private or public range. Its own config file keeps a host /etc/docker/daemon.json out.
	unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh \
		dockerd --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
		--default-address-pool base=198.18.0.0/16,size=24 \
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
	(cd "$WORK/cases/$RUN_CASE" && dc -f compose.yaml -f override.yaml --env-file .env --env-file shell.env "$@")
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
	# A config whose content refers to an environment resource: compose fills it from shell.env
	# (E2E_REGION), the secret from .env, and keeps the literal $HOME.
	want file:/etc/hello/region.txt "region=eu-north-1 token=$RUN_TOKEN \$HOME"$'\n' || bad=1
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

# --- examples/project-compose: terraform writes it, docker compose runs it -------------------

# What the project step needs besides docker: terraform, util-linux (unshare, nsenter), iproute2
# (ip), dpkg-deb and apt-get (the router image's Debian packages).
ensure_project_tools() {
	local c missing=()
	for c in terraform unshare nsenter ip dpkg-deb apt-get ldd; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ "${#missing[@]}" -eq 0 ] || fail "missing on PATH: ${missing[*]} (terraform >= 1.8; Debian: util-linux, iproute2, dpkg, apt, libc-bin)"
}

# hashicorp/local, built from the module proxy once into the cache `make e2e-local` uses (its
# version is the one internal/provider/local_provider_test.go names): sets LOCAL_VERSION and
# LOCAL_BIN.
local_provider() {
	local src="$ROOT/internal/provider/local_provider_test.go" modver dir tmp
	modver="$(sed -n 's/^[[:space:]]*localModuleVersion[[:space:]]*=[[:space:]]*"\(.*\)"$/\1/p' "$src")"
	LOCAL_VERSION="$(sed -n 's/^[[:space:]]*localVersion[[:space:]]*=[[:space:]]*"\(.*\)"$/\1/p' "$src")"
	[ -n "$modver" ] && [ -n "$LOCAL_VERSION" ] || fail "no localModuleVersion / localVersion in $src"
	dir="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-score-test/terraform-provider-local/$modver/$("$GO" env GOOS)_$("$GO" env GOARCH)"
	LOCAL_BIN="$dir/terraform-provider-local"
	[ -x "$LOCAL_BIN" ] && return 0
	step "building hashicorp/local $LOCAL_VERSION ($modver) from the module proxy into $dir (once)"
	mkdir -p "$dir"
	tmp="$(mktemp -d "$dir/build-XXXXXX")"
	(cd "$tmp" && GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-buildvcs=false nice -n 10 "$GO" install \
		"github.com/terraform-providers/terraform-provider-local@$modver") \
		|| { rm -rf "$tmp"; fail "building hashicorp/local failed (see above)"; }
	mv "$tmp/terraform-provider-local" "$LOCAL_BIN"
	rm -rf "$tmp"
}

# tf ARGS: terraform in the project's copy, with the mirror's CLI configuration only.
tf() {
	env -u TF_PLUGIN_CACHE_DIR -u TF_CLI_ARGS TF_CLI_CONFIG_FILE="$WORK/tf/terraform.rc" CHECKPOINT_DISABLE=1 \
		terraform -chdir="$WORK/project" "$@"
}

project_compose() {
	(cd "$WORK/project/out" && dc -f compose.yaml --env-file .env "$@")
}

# apply_project: terraform apply of a copy of the example, with the score provider built here and
# hashicorp/local from a filesystem mirror; the project lands in $WORK/project/out.
apply_project() {
	local platform mirror rc=0
	ensure_project_tools
	local_provider
	step "terraform apply $PROJECT_EXAMPLE (score provider built here, hashicorp/local $LOCAL_VERSION from a filesystem mirror)"
	platform="$("$GO" env GOOS)_$("$GO" env GOARCH)"
	mirror="$WORK/tf/mirror/registry.terraform.io"
	mkdir -p "$mirror/score-tf/score/0.0.1/$platform" "$mirror/hashicorp/local/$LOCAL_VERSION/$platform"
	(cd "$ROOT" && nice -n 10 "$GO" build -o "$mirror/score-tf/score/0.0.1/$platform/terraform-provider-score_v0.0.1" .)
	cp "$LOCAL_BIN" "$mirror/hashicorp/local/$LOCAL_VERSION/$platform/terraform-provider-local_v$LOCAL_VERSION"
	cat > "$WORK/tf/terraform.rc" <<-EOF
		provider_installation {
		  filesystem_mirror {
		    path    = "$WORK/tf/mirror"
		    include = ["registry.terraform.io/*/*"]
		  }
		  direct {
		    exclude = ["registry.terraform.io/*/*"]
		  }
		}
	EOF
	cp -R "$ROOT/$PROJECT_EXAMPLE" "$WORK/project"
	rm -rf "$WORK/project/.terraform" "$WORK/project/.terraform.lock.hcl" "$WORK/project/out" "$WORK/project"/terraform.tfstate*
	tf init -input=false -no-color > "$WORK/tf/init.log" 2>&1 || { cat "$WORK/tf/init.log"; fail "terraform init failed"; }
	tf apply -auto-approve -input=false -no-color -compact-warnings > "$WORK/tf/apply.log" 2>&1 \
		|| { cat "$WORK/tf/apply.log"; fail "terraform apply of $PROJECT_EXAMPLE failed"; }
	grep -E '^Apply complete' "$WORK/tf/apply.log" | sed 's/^/    /'
	tf plan -detailed-exitcode -input=false -no-color > "$WORK/tf/plan.log" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || { cat "$WORK/tf/plan.log"; fail "the plan after apply is not empty (terraform plan exited $rc)"; }
	echo "    the next plan is empty"
	(cd "$WORK/project/out" && find . -type f | sort | sed 's/^/    wrote /')

	step "docker compose config on the project terraform wrote"
	project_compose config > "$WORK/project/config.out" 2> "$WORK/project/config.err" \
		|| { cat "$WORK/project/config.err"; fail "docker compose rejected the project"; }
	if grep -v 'mode is not supported outside Swarm mode' "$WORK/project/config.err" | grep -q .; then
		cat "$WORK/project/config.err"
		fail "docker compose warned about the project (a \${VAR} .env does not define?)"
	fi
	local image images
	images="$(project_compose config --images | sort -u)"
	for image in $images; do
		[ -n "${PROJECT_IMAGES[$image]:-}" ] || fail "the project uses image $image, which the harness has no stand-in for"
	done
	echo "  ok: accepted; images: $(echo $images)"
}

# fetch_debs PKG...: the Debian packages, downloaded (never installed) once into the cache; sets
# DEBS to their files.
fetch_debs() {
	local dir="$CACHE_ROOT/e2e-compose-debs" pkg
	mkdir -p "$dir"
	DEBS=()
	for pkg in "$@"; do
		if ! compgen -G "$dir/${pkg}_*.deb" >/dev/null; then
			(cd "$dir" && apt-get download -q "$pkg" >>"$WORK/apt.log" 2>&1) \
				|| { apt-get update -q >>"$WORK/apt.log" 2>&1; (cd "$dir" && apt-get download -q "$pkg" >>"$WORK/apt.log" 2>&1); } \
				|| { tail -20 "$WORK/apt.log"; fail "apt-get download $pkg failed"; }
		fi
		DEBS+=("$(compgen -G "$dir/${pkg}_*.deb" | sort | tail -1)")
	done
}

# build_project_images: every image the project names, built here.
build_project_images() {
	local img="$WORK/project-images" x="$WORK/project-images/debs" root deb lib image
	step "building the project's images: the workloads and database stand-ins (tools/e2e/compose/shop), the router (Debian's nginx)"
	mkdir -p "$x"
	fetch_debs nginx busybox-static
	for deb in "${DEBS[@]}"; do
		dpkg-deb -x "$deb" "$x"
		echo "  $(basename "$deb")"
	done

	root="$img/shop"
	mkdir -p "$root/usr/local/bin" "$root/bin" "$root/tmp"
	(cd "$ROOT" && CGO_ENABLED=0 nice -n 10 "$GO" build -trimpath -ldflags '-s -w' -o "$root/shop" ./tools/e2e/compose/shop)
	for a in postgres pg_isready redis-server redis-cli; do ln -s /shop "$root/usr/local/bin/$a"; done
	# The redis healthcheck is CMD-SHELL (`redis-cli ... | grep -q PONG`): a shell and grep.
	cp "$x/bin/busybox" "$root/bin/busybox"
	for a in sh grep; do ln -s busybox "$root/bin/$a"; done
	tar -C "$root" -cf "$img/shop.tar" .

	# nginx as Debian builds it, with the host's copies of the libraries it links (ldd), its
	# compiled-in directories, and the users its workers run as.
	root="$img/router"
	mkdir -p "$root/usr/sbin" "$root/bin" "$root/etc/nginx" "$root/var/log/nginx" "$root/var/lib/nginx" "$root/run" "$root/tmp"
	cp "$x/usr/sbin/nginx" "$root/usr/sbin/nginx"
	if ldd "$x/usr/sbin/nginx" | grep -q 'not found'; then
		ldd "$x/usr/sbin/nginx"
		fail "nginx needs libraries this machine does not have (above)"
	fi
	for lib in $(ldd "$x/usr/sbin/nginx" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
	cp "$x/bin/busybox" "$root/bin/busybox"
	for a in sh wget; do ln -s busybox "$root/bin/$a"; done
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' > "$root/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > "$root/etc/group"
	chmod 1777 "$root/tmp"
	tar -C "$root" -cf "$img/router.tar" .

	for image in "${!PROJECT_IMAGES[@]}"; do
		case "${PROJECT_IMAGES[$image]}" in
		app) docker import -c 'ENTRYPOINT ["/shop", "app"]' "$img/shop.tar" "$image" >/dev/null ;;
		nginx) docker import -c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["nginx", "-g", "daemon off;"]' "$img/router.tar" "$image" >/dev/null ;;
		*) docker import -c 'ENV PATH=/usr/local/bin:/bin' -c "CMD [\"${PROJECT_IMAGES[$image]}\"]" "$img/shop.tar" "$image" >/dev/null ;;
		esac
	done
	docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | sort | sed 's/^/  /'
}

# host_links: the host's network interfaces, by name.
host_links() {
	ip -o link show | awk -F': ' '{ print $2 }' | sort
}

# in_netns COMMAND...: runs COMMAND (a host binary) in dockerd's network namespace, where the
# project's published ports are.
in_netns() {
	nsenter --net="/proc/$DOCKERD_PID/ns/net" "$@"
}

# expect_get WHAT HOST PATH WANT: GET http://127.0.0.1:8080PATH with Host: HOST must answer WANT.
expect_get() {
	local what="$1" host="$2" path="$3" want="$4" got
	if ! got="$(in_netns "$SHOP" get "http://127.0.0.1:8080$path" "$host" 2>&1)"; then
		echo "  WRONG: $what: GET $path (Host: $host) failed: $got"
		return 1
	fi
	got="${got%$'\n'}"
	if [ "$got" != "$want" ]; then
		echo "  WRONG: $what: GET $path (Host: $host) answered: $got"
		echo "         want: $want"
		return 1
	fi
	echo "  ok: $what: GET http://$host:8080$path -> $got"
}

# started SERVICE: when the project's container of SERVICE started, in nanoseconds since 1970.
started() {
	date -d "$(docker inspect --format '{{.State.StartedAt}}' "$(project_compose ps -q "$1")")" +%s%N
}

run_project() {
	local dir="$WORK/project/out" bad=0 rc=0 password logs svc want pair
	SHOP="$WORK/project-images/shop/shop"
	build_project_images

	step "docker compose up --wait: $PROJECT_EXAMPLE, as terraform wrote it"
	PROJECT_UP=1
	DC_TIMEOUT=240 project_compose up --pull never --no-color --wait --wait-timeout 180 > "$WORK/project/up.log" 2>&1 || rc=$?
	sed 's/^/    /' "$WORK/project/up.log"
	if [ "$rc" -ne 0 ]; then
		project_compose ps -a 2>&1 | sed 's/^/    /'
		project_compose logs --no-color 2>&1 | tail -40 | sed 's/^/    /'
		fail "docker compose up of $PROJECT_EXAMPLE exited with $rc"
	fi
	project_compose ps --format '{{.Service}}: {{.Status}}' | sort | sed 's/^/    /'
	# The project's network is in dockerd's namespace; the host's interfaces are what they were.
	local netns_addrs
	netns_addrs="$(in_netns ip -o -4 addr show | awk '$2 != "lo" { print $2 " " $4 }')"
	echo "  the project's network, in dockerd's namespace: $(echo $netns_addrs)"
	[[ "$netns_addrs" == *" 198.18."* ]] || { echo "  WRONG: no interface addressed from 198.18.0.0/16 in dockerd's namespace"; bad=1; }
	if [ "$(host_links)" != "$HOST_LINKS" ]; then
		echo "  WRONG: the host's network interfaces changed while the project ran:"
		diff <(echo "$HOST_LINKS") <(host_links) | sed 's/^/    /'
		bad=1
	else
		echo "  the host's network interfaces are unchanged: $(echo $HOST_LINKS)"
	fi

	step "reaching the workloads through the router's published port, from inside dockerd's network namespace"
	local api="workload=api path=/api/from-web db=ok cache=ok"
	expect_get "api, through the router" shop.localhost /api/orders "workload=api path=/api/orders db=ok cache=ok" || bad=1
	expect_get "web, through the router; web reached api at its service-port URL (API_URL)" shop.localhost / "workload=web path=/ api=[$api]" || bad=1
	expect_get "web, the router's catch-all path" shop.localhost /cart/42 "workload=web path=/cart/42 api=[$api]" || bad=1
	local out
	if out="$(in_netns "$SHOP" get http://127.0.0.1:8080/ elsewhere.localhost 2>&1)"; then
		echo "  WRONG: a host no route names was answered: $out"; bad=1
	elif [[ "$out" != *"404 Not Found: no route for host elsewhere.localhost"* ]]; then
		echo "  WRONG: a host no route names: $out"; bad=1
	else
		echo "  ok: a host no route names gets the router's 404: ${out##*: }"
	fi

	step "the shared database's published port (publish = [\"15432:postgres#shop-db.host:5432\"]) with the password .env holds"
	password="$(sed -n "s/^POSTGRES_DEFAULT_SHOP_DB_PASSWORD='\([A-Za-z0-9]*\)'\$/\1/p" "$dir/.env")"
	[ -n "$password" ] || fail ".env sets no POSTGRES_DEFAULT_SHOP_DB_PASSWORD"
	if out="$(in_netns "$SHOP" db "postgresql://shop_db:$password@127.0.0.1:15432/shop_db" 2>&1)" && [ "$out" = OK ]; then
		echo "  ok: 127.0.0.1:15432 accepts user shop_db with the password from .env"
	else
		echo "  WRONG: 127.0.0.1:15432 with the password from .env: $out"; bad=1
	fi
	if out="$(in_netns "$SHOP" db "postgresql://shop_db:not-$password@127.0.0.1:15432/shop_db" 2>&1)"; then
		echo "  WRONG: the database stand-in accepts a wrong password, so the checks above prove nothing"; bad=1
	else
		echo "  ok: and refuses another password: ${out##*: }"
	fi

	step "what the workloads saw when they started, and the start order"
	for svc in api-main worker-main; do
		logs="$(project_compose logs --no-color --no-log-prefix "$svc" 2>&1)"
		case "$svc" in
		api-main) want="api: started; db=ok cache=ok" ;;
		worker-main) want="worker: started; db=ok" ;;
		esac
		if grep -qxF "$want" <<<"$logs"; then
			echo "  ok: $svc printed: $want"
		else
			echo "  WRONG: $svc did not print \"$want\":"; sed 's/^/    /' <<<"$logs"; bad=1
		fi
	done
	local -A at
	for svc in pg-shop-db redis-api-cache router api-main web-main worker-main; do
		at[$svc]="$(started "$svc")"
	done
	local first then t0 t1
	for pair in pg-shop-db:api-main redis-api-cache:api-main router:api-main api-main:web-main router:web-main pg-shop-db:worker-main; do
		first="${pair%%:*}" then="${pair##*:}"
		t0="${at[$first]}" t1="${at[$then]}"
		if [ "$t0" -lt "$t1" ]; then
			echo "  ok: $first started before $then, $(((t1 - t0) / 1000000)) ms earlier"
		else
			echo "  WRONG: $then started $(((t0 - t1) / 1000000)) ms before $first, which it should wait for"; bad=1
		fi
	done

	step "docker compose down: $PROJECT_EXAMPLE"
	DC_TIMEOUT=60 project_compose down --volumes --remove-orphans --timeout 5 2>&1 | sed 's/^/    /'
	PROJECT_UP=""
	if [ -n "$(docker ps -aq)" ] || [ -n "$(docker volume ls -q)" ] || [ -n "$(docker network ls -q --filter label=com.docker.compose.project=shop)" ]; then
		echo "  WRONG: containers, volumes or networks remain after down:"
		docker ps -a; docker volume ls; docker network ls
		bad=1
	fi
	[ "$bad" -eq 0 ] || fail "the project did not run as rendered (see above)"
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

	mkdir -p "$WORK/tf"
	apply_project

	HOST_LINKS="$(host_links)"
	start_dockerd
	run_workload
	run_project
	stop_dockerd
	step "dockerd stopped"
}

main "$@"
