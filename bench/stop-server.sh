#!/usr/bin/env bash
# Stops the server bench/start-server.sh started (SIGTERM to its recorded pid; it stops its
# embedded PostgreSQL) and removes its data directory.
set -euo pipefail
dir="${TMPDIR:-/tmp}/griddle-bench"
[ "${1:-}" = --dir ] && dir="$2"
pid="$(cat "$dir/server.pid" 2>/dev/null || true)"
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && { echo "server $pid did not stop; left $dir" >&2; exit 1; }
fi
rm -rf "$dir"
