#!/usr/bin/env bash
# End-to-end test of shared remote state (`make e2e-remote-state`): two CI jobs, in two separate
# working directories, use one Terraform state stored by the `pg` backend in a real PostgreSQL
# server on loopback, with the configuration of examples/remote-state.
#
#   1. Job A: init (-backend-config conn_str=...) + apply. Job B, in a FRESH working directory:
#      init (PG_CONN_STR in the environment) + plan is empty, and the
#      generated database password B reads from the state is A's.
#   2. Concurrency: A's apply (commit 1: a new api image) holds the state lock while it waits for
#      approval. B's apply (commit 2: the same image plus a new worker workload)
#        - with -lock-timeout=0s fails with the lock error and changes nothing;
#        - with -lock-timeout=60s waits, then applies once A is done: 1 added, 0 changed,
#          0 destroyed (it planned against A's new state, nothing A did is lost or redone).
#      Afterwards the state holds both changes, the password never changed, and plans in both
#      working directories are empty.
#   3. A saved plan (plan -out) made before another job's apply is refused as stale.
#   4. A job killed (SIGKILL) while holding the lock leaves no lock behind: the next job locks at
#      once, without force-unlock (PostgreSQL advisory locks end with the connection).
#
# Environment: TF (the CLI to run; default terraform, `tofu` works too), GO (default go),
# KEEP=1 keeps the working directories (build/e2e-remote-state), KEEP_PG=1 also the server's
# data directory. Offline: the provider is built from this repository and `init` installs it from
# a filesystem mirror under build/e2e-remote-state; no registry is contacted.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
HERE="$ROOT/tools/e2e/remote-state"
TF="${TF:-terraform}"
GO="${GO:-go}"
OUT="$ROOT/build/e2e-remote-state"
BIN_DIR="$ROOT/build/bin"
EXAMPLE="$ROOT/examples/remote-state"
PROVIDER_VERSION=0.0.1 # the version the local mirror serves
IMAGE_0=ghcr.io/example/api:1.0.0
IMAGE_1=ghcr.io/example/api:1.1.0
IMAGE_2=ghcr.io/example/api:1.2.0

# shellcheck source=tools/e2e/remote-state/postgres.sh
. "$HERE/postgres.sh"

t0=$SECONDS
step() { printf '\n=== [%4ds] %s\n' "$((SECONDS - t0))" "$*"; }
fail() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}
ok() { printf 'ok: %s\n' "$*"; }

command -v "$TF" >/dev/null 2>&1 || fail "$TF is not on PATH (set TF to the terraform or tofu binary)"
TF="$(command -v "$TF")"

bg_pids=()
cleanup() {
  local rc=$? p
  for p in "${bg_pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  exec 3>&- 2>/dev/null || true
  pg_stop
  if [ "$rc" != 0 ]; then
    echo "e2e-remote-state: FAILED after $((SECONDS - t0)) s; logs in $OUT" >&2
  elif [ -z "${KEEP:-}" ]; then
    rm -rf "$OUT"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$OUT"
mkdir -p "$OUT"

step "build the provider into $BIN_DIR"
(cd "$ROOT" && "$GO" build -ldflags "-X main.version=$PROVIDER_VERSION" -o "$BIN_DIR/terraform-provider-score" .)

# The provider comes from a filesystem mirror holding the binary just built. dev_overrides (what
# `make demo` uses) cannot serve here: a backend needs `terraform init`, and init still asks the
# registry for the versions of an overridden provider, which fails offline. A mirror is also what
# a CI job without registry access would use. Both registry host names are listed, so TF=tofu
# finds it under OpenTofu's default host too.
platform="$("$GO" env GOOS)_$("$GO" env GOARCH)"
for host in registry.terraform.io registry.opentofu.org; do
  d="$OUT/providers/$host/score-tf/score/$PROVIDER_VERSION/$platform"
  mkdir -p "$d"
  cp "$BIN_DIR/terraform-provider-score" "$d/terraform-provider-score_v$PROVIDER_VERSION"
done
cat >"$OUT/terraformrc" <<EOF
# Written by tools/e2e/remote-state/run.sh: install score-tf/score from a local mirror.
provider_installation {
  filesystem_mirror {
    path    = "$OUT/providers"
    include = ["score-tf/score"]
  }
  direct {
    exclude = ["score-tf/score"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$OUT/terraformrc"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
# Nothing from the caller's environment may pick another backend, workspace or connection.
unset TF_WORKSPACE TF_DATA_DIR TF_LOG TF_LOG_PATH TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_plan \
  TF_CLI_ARGS_apply PG_CONN_STR PG_SCHEMA_NAME PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE \
  PGSSLMODE PGSERVICE PGPASSFILE

step "start PostgreSQL on loopback"
pg_start "$(mktemp -d /tmp/score-e2e-pg.XXXXXX)" terraform_state
CONN="$PG_CONN_STR_E2E"

# A job's checkout: a fresh copy of the example, no .terraform, no state.
checkout() {
  local dir="$1"
  mkdir -p "$dir"
  cp "$EXAMPLE"/*.tf "$EXAMPLE"/*.yaml "$dir"/
}
commit2() { cp "$HERE/worker.tf" "$HERE/worker.score.yaml" "$1"/; }
# Job A passes the connection string to init with -backend-config (stored in job-a/.terraform);
# job B gives it in the environment (PG_CONN_STR), as the guide recommends for CI. Both are
# documented ways to complete the example's empty `backend "pg" {}` block.
A="$OUT/job-a"
B="$OUT/job-b"
tf() {
  local dir="$1"
  shift
  if [ "$dir" = "$B" ]; then
    PG_CONN_STR="$CONN" "$TF" -chdir="$dir" "$@"
  else
    "$TF" -chdir="$dir" "$@"
  fi
}
tf_init() {
  local args=(init -input=false -no-color)
  [ "$1" = "$B" ] || args+=(-backend-config="conn_str=$CONN")
  tf "$1" "${args[@]}" >"$1.init.log" 2>&1 || {
    cat "$1.init.log" >&2
    fail "init in $1"
  }
  grep -q 'Successfully configured the backend "pg"' "$1.init.log" || fail "init in $1 did not configure the pg backend"
}
serial() { tf "$1" state pull | grep -o '"serial":[[:space:]]*[0-9]*' | head -n1 | grep -o '[0-9]*$'; }

# ---------------------------------------------------------------------------------------------
step "job A: init + apply in $A"
checkout "$A"
tf_init "$A"
tf "$A" apply -auto-approve -input=false -no-color -var "api_image=$IMAGE_0" >"$OUT/a-apply-1.log" 2>&1 || {
  cat "$OUT/a-apply-1.log" >&2
  fail "job A: apply"
}
grep "Apply complete" "$OUT/a-apply-1.log"
grep -q 'Resources: 2 added, 0 changed, 0 destroyed' "$OUT/a-apply-1.log" || fail "job A: the first apply did not add 2 resources"
PASSWORD="$(tf "$A" output -raw db_password)"
[ "${#PASSWORD}" -ge 16 ] || fail "job A: db_password is ${#PASSWORD} characters long"
ok "job A applied; generated password: ${#PASSWORD} characters"
[ ! -e "$A/terraform.tfstate" ] || fail "job A wrote a local terraform.tfstate: the pg backend was not used"

# ---------------------------------------------------------------------------------------------
step "job B: a fresh working directory $B, init + plan"
checkout "$B"
tf_init "$B"
rc=0
tf "$B" plan -detailed-exitcode -input=false -no-color -var "api_image=$IMAGE_0" >"$OUT/b-plan-1.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || {
  cat "$OUT/b-plan-1.log" >&2
  fail "job B: plan exit code $rc, want 0 (no changes)"
}
grep -q 'No changes' "$OUT/b-plan-1.log" || fail "job B: plan does not say No changes"
ok "job B: plan is empty"
[ "$(tf "$B" output -raw db_password)" = "$PASSWORD" ] || fail "job B: db_password differs from job A's"
tf "$B" state pull >"$OUT/b-state.json"
grep -qF "$PASSWORD" "$OUT/b-state.json" || fail "job B: the pulled state does not hold A's password"
ok "job B sees job A's generated password (terraform output -raw and terraform state pull)"
serial_1="$(serial "$B")"

# ---------------------------------------------------------------------------------------------
step "concurrency: job A's apply (commit 1: image $IMAGE_1) holds the lock, awaiting approval"
commit2 "$B" # job B runs the next commit: the same image plus a worker workload
mkfifo "$OUT/a-approve"
# Open the FIFO read-write on fd 3 first, so neither side blocks on open; "yes" goes in later.
exec 3<>"$OUT/a-approve"
: >"$OUT/a-apply-2.log"
"$TF" -chdir="$A" apply -input=true -no-color -var "api_image=$IMAGE_1" <"$OUT/a-approve" >"$OUT/a-apply-2.log" 2>&1 &
a_pid=$!
bg_pids+=("$a_pid")
for _ in $(seq 1 600); do
  grep -q 'Enter a value:' "$OUT/a-apply-2.log" && break
  kill -0 "$a_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q 'Enter a value:' "$OUT/a-apply-2.log" || {
  cat "$OUT/a-apply-2.log" >&2
  fail "job A's apply did not reach the approval prompt"
}
grep -q 'Plan: 0 to add, 1 to change, 0 to destroy' "$OUT/a-apply-2.log" || fail "job A: plan should change the api workload only"
ok "job A is waiting for approval, holding the state lock"

step "job B: apply -lock-timeout=0s is refused"
rc=0
tf "$B" apply -auto-approve -input=false -no-color -lock-timeout=0s -var "api_image=$IMAGE_1" >"$OUT/b-apply-nowait.log" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "job B: apply with -lock-timeout=0s succeeded while job A held the lock"
grep -q 'Error acquiring the state lock' "$OUT/b-apply-nowait.log" || {
  cat "$OUT/b-apply-nowait.log" >&2
  fail "job B: apply failed, but not with the lock error"
}
grep -E 'Error acquiring the state lock|Error message|Lock Info|ID:|Who:|Operation:' "$OUT/b-apply-nowait.log" | sed 's/^/  | /'
[ "$(serial "$B")" = "$serial_1" ] || fail "job B: the refused apply changed the state"
ok "job B refused with the lock error; the state is unchanged (serial $serial_1)"

step "job B: apply -lock-timeout=60s waits for job A"
b_start=$SECONDS
PG_CONN_STR="$CONN" "$TF" -chdir="$B" apply -auto-approve -input=false -no-color -lock-timeout=60s -var "api_image=$IMAGE_1" >"$OUT/b-apply-wait.log" 2>&1 &
b_pid=$!
bg_pids+=("$b_pid")
sleep 3
kill -0 "$b_pid" 2>/dev/null || {
  cat "$OUT/b-apply-wait.log" >&2
  fail "job B's apply ended while job A still held the lock"
}
ok "job B still waiting after 3 s; approving job A's apply"
echo yes >&3
rc=0
wait "$a_pid" || rc=$?
[ "$rc" = 0 ] || {
  cat "$OUT/a-apply-2.log" >&2
  fail "job A's apply failed ($rc)"
}
a_done=$SECONDS
grep -q 'Resources: 0 added, 1 changed, 0 destroyed' "$OUT/a-apply-2.log" || fail "job A: unexpected apply result"
ok "job A applied commit 1"
rc=0
wait "$b_pid" || rc=$?
[ "$rc" = 0 ] || {
  cat "$OUT/b-apply-wait.log" >&2
  fail "job B's apply failed ($rc)"
}
ok "job B applied commit 2 after waiting $((SECONDS - b_start)) s (job A finished $((a_done - b_start)) s after B started)"
grep -q 'Resources: 1 added, 0 changed, 0 destroyed' "$OUT/b-apply-wait.log" || {
  cat "$OUT/b-apply-wait.log" >&2
  fail "job B: want 1 added, 0 changed, 0 destroyed (planned against job A's new state)"
}

# ---------------------------------------------------------------------------------------------
step "nothing lost: the state holds both changes"
serial_end="$(serial "$A")"
[ "$serial_end" -ge $((serial_1 + 2)) ] || fail "state serial $serial_1 -> $serial_end: want two writes"
tf "$A" state list >"$OUT/state-list.txt"
for r in score_resource.db score_workload.api score_workload.worker; do
  grep -qx "$r" "$OUT/state-list.txt" || fail "the state lacks $r"
done
tf "$B" output -raw compose_yaml | grep -qF "$IMAGE_1" || fail "the api workload does not run $IMAGE_1 (job A's change lost)"
[ "$(tf "$A" output -raw db_password)" = "$PASSWORD" ] || fail "the generated password changed"
tf "$B" output -raw worker_compose_env | grep -qF "$PASSWORD" || fail "the worker does not use the shared database's password"
ok "state serial $serial_1 -> $serial_end; api runs $IMAGE_1, the worker exists, the password is unchanged"

commit2 "$A" # job A checks out commit 2 as well
for dir in "$A" "$B"; do
  rc=0
  tf "$dir" plan -detailed-exitcode -input=false -no-color -var "api_image=$IMAGE_1" >"$dir.plan-final.log" 2>&1 || rc=$?
  [ "$rc" = 0 ] || {
    cat "$dir.plan-final.log" >&2
    fail "final plan in $dir: exit code $rc, want 0 (no changes)"
  }
done
ok "plans in both working directories are empty"

# ---------------------------------------------------------------------------------------------
step "a saved plan made before another job's apply is refused as stale"
tf "$B" plan -input=false -no-color -lock-timeout=60s -out=tfplan -var "api_image=$IMAGE_2" >"$OUT/b-plan-saved.log" 2>&1 || {
  cat "$OUT/b-plan-saved.log" >&2
  fail "job B: plan -out"
}
tf "$A" apply -auto-approve -input=false -no-color -lock-timeout=60s -var "api_image=$IMAGE_2" >"$OUT/a-apply-3.log" 2>&1 || {
  cat "$OUT/a-apply-3.log" >&2
  fail "job A: apply $IMAGE_2"
}
serial_before="$(serial "$A")"
rc=0
tf "$B" apply -input=false -no-color -lock-timeout=60s tfplan >"$OUT/b-apply-saved.log" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "job B applied a saved plan made before job A's apply"
grep -q 'Saved plan is stale' "$OUT/b-apply-saved.log" || {
  cat "$OUT/b-apply-saved.log" >&2
  fail "job B: the saved plan failed, but not as stale"
}
[ "$(serial "$A")" = "$serial_before" ] || fail "the refused saved plan changed the state"
ok "job B's saved plan refused: Saved plan is stale"

# ---------------------------------------------------------------------------------------------
step "a killed job does not leave the lock behind (PostgreSQL advisory locks die with the connection)"
: >"$OUT/a-apply-4.log"
"$TF" -chdir="$A" apply -input=true -no-color -var "api_image=$IMAGE_1" <"$OUT/a-approve" >"$OUT/a-apply-4.log" 2>&1 &
a_pid=$!
bg_pids+=("$a_pid")
for _ in $(seq 1 600); do
  grep -q 'Enter a value:' "$OUT/a-apply-4.log" && break
  kill -0 "$a_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q 'Enter a value:' "$OUT/a-apply-4.log" || {
  cat "$OUT/a-apply-4.log" >&2
  fail "job A's apply did not reach the approval prompt"
}
rc=0
tf "$B" plan -input=false -no-color -lock-timeout=0s -var "api_image=$IMAGE_2" >"$OUT/b-plan-before-kill.log" 2>&1 || rc=$?
if [ "$rc" = 0 ] || ! grep -q 'Error acquiring the state lock' "$OUT/b-plan-before-kill.log"; then
  fail "job B's plan did not hit the lock job A holds (exit $rc)"
fi
children="$(pgrep -P "$a_pid" || true)" # the provider plugin process(es)
echo "killing job A (SIGKILL) while it holds the lock"
kill -KILL "$a_pid"
wait "$a_pid" 2>/dev/null || true
for p in $children; do kill -KILL "$p" 2>/dev/null || true; done
rc=0
tf "$B" plan -detailed-exitcode -input=false -no-color -lock-timeout=0s -var "api_image=$IMAGE_2" >"$OUT/b-plan-after-kill.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || {
  cat "$OUT/b-plan-after-kill.log" >&2
  fail "after job A was killed, job B's plan (-lock-timeout=0s) exited $rc, want 0 (lock free, no changes)"
}
ok "job A killed (SIGKILL) while holding the lock: job B locks at once, no force-unlock needed"

# ---------------------------------------------------------------------------------------------
for dir in "$A" "$B"; do
  rc=0
  tf "$dir" plan -detailed-exitcode -input=false -no-color -var "api_image=$IMAGE_2" >"$dir.plan-final.log" 2>&1 || rc=$?
  [ "$rc" = 0 ] || {
    cat "$dir.plan-final.log" >&2
    fail "final plan in $dir: exit code $rc, want 0 (no changes)"
  }
done
[ "$(tf "$A" output -raw db_password)" = "$PASSWORD" ] || fail "the generated password changed"
ok "final plans in both working directories are empty; the password is the one job A generated first"

step "PASS ($("$TF" version | head -n1), pg backend, PostgreSQL on 127.0.0.1:$PG_PORT)"
