# shellcheck shell=bash disable=SC2034
# (SC2034: PG_* variables are set here for the script that sources this file.)
# A throw-away PostgreSQL server on loopback, for tests. Source this file, then:
#
#   pg_start DIR DATABASE     starts a server with its data under DIR (created, must not exist),
#                             creates DATABASE and sets PG_CONN_STR_E2E (a postgres:// URL with
#                             a random password), PG_PORT and PG_PID
#   pg_stop                   stops it (by PID) and removes DIR; safe to call twice (use it in a
#                             trap ... EXIT)
#
# The server binaries (initdb, pg_ctl, postgres) come from /usr/lib/postgresql/*/bin, the newest
# version there; when there is none and we are root, `apt-get install -y postgresql` installs them.
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (created by
# the Debian package), or as a system user `score-e2e-pg` created for it when that user is missing.
# It listens on 127.0.0.1 only, on a free port, with scram-sha-256 password authentication; its
# Unix socket lives in DIR, never in /var/run/postgresql.

PG_BIN="" PG_DIR="" PG_PORT="" PG_PID="" PG_CONN_STR_E2E="" PG_RUN_AS=""

pg_log() { printf 'postgres: %s\n' "$*" >&2; }

pg_find_bin() {
  local d
  # Newest major version first.
  for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4,4 -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

pg_ensure_bin() {
  if PG_BIN="$(pg_find_bin)"; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    pg_log "error: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin; install the Debian package"
    pg_log "       'postgresql' (sudo apt-get install -y postgresql) and run this again"
    return 1
  fi
  pg_log "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: apt-get install -y postgresql"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
  fi
  PG_BIN="$(pg_find_bin)" || {
    pg_log "error: apt-get installed postgresql, yet /usr/lib/postgresql/*/bin has no initdb/pg_ctl/postgres"
    return 1
  }
}

# Runs a command as the user the server runs as.
pg_as() {
  if [ -n "$PG_RUN_AS" ]; then
    runuser -u "$PG_RUN_AS" -- "$@"
  else
    "$@"
  fi
}

pg_pick_user() {
  PG_RUN_AS=""
  [ "$(id -u)" = 0 ] || return 0
  if id -u postgres >/dev/null 2>&1; then
    PG_RUN_AS=postgres
  else
    if ! id -u score-e2e-pg >/dev/null 2>&1; then
      pg_log "running as root and there is no postgres user: creating system user score-e2e-pg"
      useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin score-e2e-pg
    fi
    PG_RUN_AS=score-e2e-pg
  fi
}

# True when nothing accepts connections on 127.0.0.1:$1.
pg_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_start() {
  local dir="$1" database="$2" superuser=tfstate password attempt port
  pg_ensure_bin
  pg_pick_user
  PG_DIR="$dir"
  mkdir -p "$PG_DIR"
  chmod 700 "$PG_DIR"
  password="$(od -An -tx1 -N18 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$password" >"$PG_DIR/pwfile"
  [ -z "$PG_RUN_AS" ] || chown -R "$PG_RUN_AS:" "$PG_DIR"

  pg_log "initdb ($PG_BIN, running as ${PG_RUN_AS:-$(id -un)}) in $PG_DIR/data"
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$superuser" --pwfile="$PG_DIR/pwfile" \
    --auth=scram-sha-256 -E UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
    cat "$PG_DIR/initdb.log" >&2
    return 1
  }
  rm -f "$PG_DIR/pwfile"

  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    pg_port_free "$port" || continue
    # -w waits until the server accepts connections. fsync is off: this server lives for one test.
    if pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off" start >/dev/null; then
      PG_PORT="$port"
      break
    fi
    pg_log "could not start on port $port (attempt $attempt), trying another; log:"
    tail -n 5 "$PG_DIR/postgres.log" >&2 || true
  done
  if [ -z "$PG_PORT" ]; then
    pg_log "error: PostgreSQL did not start; see $PG_DIR/postgres.log"
    return 1
  fi
  PG_PID="$(head -n1 "$PG_DIR/data/postmaster.pid")"
  pg_log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$PG_PORT (pid $PG_PID)"

  PGPASSWORD="$password" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$superuser" "$database"
  PG_CONN_STR_E2E="postgres://$superuser:$password@127.0.0.1:$PG_PORT/$database?sslmode=disable"
}

pg_stop() {
  local pid="$PG_PID"
  PG_PID=""
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected, the server exits cleanly.
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      pg_log "PostgreSQL (pid $pid) did not stop in 10 s: SIGQUIT"
      kill -QUIT "$pid" 2>/dev/null || true
      sleep 1
    fi
    pg_log "stopped (pid $pid)"
  fi
  if [ -n "$PG_DIR" ] && [ -z "${KEEP_PG:-}" ]; then
    rm -rf "$PG_DIR"
    PG_DIR=""
  fi
}
