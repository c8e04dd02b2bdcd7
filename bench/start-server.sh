#!/usr/bin/env bash
# Starts a Griddle server to measure, the way ./griddle starts it (its JVM options, the embedded
# PostgreSQL), on a fresh data directory, loopback only, rate limiting off, http steps allowed to
# 127.0.0.1, and the whole node for the bench's one organization (griddle.engine.org-concurrency =
# concurrency; by default one organization gets three quarters of the executor slots).
# Prints the environment to source (GRIDDLE_URL, GRIDDLE_KEY, SERVER_PID, PG_PID, BENCH_PIDS).
#
#   bench/start-server.sh [--port 18181] [--dir /tmp/griddle-bench] [--pg-stat-statements]
#   bench/stop-server.sh  [--dir /tmp/griddle-bench]
#
# --pg-stat-statements: once initdb has run, the embedded PostgreSQL is restarted with
# shared_preload_libraries=pg_stat_statements (written to its postgresql.auto.conf) and the
# extension is created in the server's database. GRIDDLE_JAVA_OPTS adds JVM options (e.g. for JFR).
set -euo pipefail
cd "$(dirname "$0")/.."
port=18181 dir="${TMPDIR:-/tmp}/griddle-bench" pgss=0
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --pg-stat-statements) pgss=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
key=grd_live_BenchAdminKey000000000000000000

start() {
  SERVER_PORT=$port GRIDDLE_DATA_DIR="$dir/data" GRIDDLE_BOOTSTRAP_ADMIN_KEY=$key \
    GRIDDLE_ENGINE_ORG_CONCURRENCY="${GRIDDLE_ENGINE_ORG_CONCURRENCY:-${GRIDDLE_ENGINE_CONCURRENCY:-32}}" \
    GRIDDLE_RATE_LIMIT_PER_SECOND=0 GRIDDLE_OUTBOUND_ALLOW=127.0.0.1 GRIDDLE_START_CACHE="${GRIDDLE_START_CACHE:-off}" \
    nohup ./griddle >>"$dir/server.log" 2>&1 &
  echo $! >"$dir/server.pid"
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
    kill -0 "$(cat "$dir/server.pid")" 2>/dev/null || { tail -30 "$dir/server.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "server not ready; see $dir/server.log" >&2; exit 1
}

stop() {
  local pid; pid="$(cat "$dir/server.pid")"
  kill -TERM "$pid"; for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  echo "server $pid did not stop" >&2; exit 1
}

mkdir -p "$dir"
[ -f "$dir/server.pid" ] && kill -0 "$(cat "$dir/server.pid")" 2>/dev/null && { echo "a server already runs from $dir" >&2; exit 1; }
start
if [ "$pgss" = 1 ]; then
  stop
  echo "shared_preload_libraries = 'pg_stat_statements'" >>"$dir/data/postgres/postgresql.auto.conf"
  echo "pg_stat_statements.track = 'all'" >>"$dir/data/postgres/postgresql.auto.conf"
  start
fi
pg_pid="$(head -1 "$dir/data/postgres/postmaster.pid")"
pg_port="$(sed -n 4p "$dir/data/postgres/postmaster.pid")"
if [ "$pgss" = 1 ]; then
  PGPASSWORD="$(cat "$dir/data/postgres.password")" psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
    -c 'create extension if not exists pg_stat_statements'
fi
cat <<ENV
export GRIDDLE_URL=http://127.0.0.1:$port GRIDDLE_KEY=$key
export SERVER_PID=$(cat "$dir/server.pid") PG_PID=$pg_pid PG_PORT=$pg_port BENCH_PIDS=$(cat "$dir/server.pid"),$pg_pid
export PGPASSWORD=$(cat "$dir/data/postgres.password")
ENV
