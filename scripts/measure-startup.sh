#!/usr/bin/env bash
# Measures the server as ./griddle starts it: wall time from the command to the first 200 from
# /healthz (a cold JVM each time), and the JVM's resident memory (RSS) after it has idled.
#
#   scripts/measure-startup.sh [runs]      default 3 runs per mode; prints each run and the median
#
# Modes: "external" (a fresh database created with psql and dropped afterwards; skipped without
# psql), "embedded" (a temporary data dir, initialised by one untimed start, then restarted),
# and "untuned" (java -jar on the fat jar with no options, external database) for comparison.
#   MEASURE_PSQL   psql connection options  (default: -h 127.0.0.1 -U postgres -d postgres)
#   MEASURE_JDBC   JDBC URL prefix for it   (default: jdbc:postgresql://127.0.0.1:5432/)
#   MEASURE_IDLE   seconds to idle before reading RSS (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
idle="${MEASURE_IDLE:-10}"
psql_opts="${MEASURE_PSQL:--h 127.0.0.1 -U postgres -d postgres}"
jdbc_prefix="${MEASURE_JDBC:-jdbc:postgresql://127.0.0.1:5432/}"
key="grd_measure_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

./griddle build
. .ci/jdk.sh

work="$(mktemp -d "${TMPDIR:-/tmp}/griddle-measure.XXXXXX")"
database=""
server=""
cleanup() {
  [ -z "$server" ] || { kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
  # shellcheck disable=SC2086
  [ -z "$database" ] || psql $psql_opts -qc "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Resident set of a process and of all its descendants (the embedded PostgreSQL), in MiB.
rss_mib() { echo $(( $(ps -o rss= -p "$1") / 1024 )); }
tree_rss_mib() {
  local total=0 pid
  for pid in $(descendants "$1"); do total=$((total + $(ps -o rss= -p "$pid" 2>/dev/null || echo 0))); done
  echo $((total / 1024))
}
descendants() { local c; for c in $(pgrep -P "$1" || true); do echo "$c"; descendants "$c"; done; }

# One cold start: prints "<ms to healthy> <java RSS MiB> <descendants' RSS MiB>". Args: env assignments, then the command.
measure_once() {
  local port start ms i
  port="$(free_port)"
  start="$(now_ms)"
  env SERVER_PORT="$port" GRIDDLE_BOOTSTRAP_ADMIN_KEY="$key" "$@" >"$work/server.log" 2>&1 &
  server=$!
  for i in $(seq 1 1200); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
    kill -0 "$server" 2>/dev/null || { echo "the server exited; log:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  ms=$(( $(now_ms) - start ))
  sleep "$idle"
  echo "$ms $(rss_mib "$server") $(tree_rss_mib "$server")"
  kill -TERM "$server"; wait "$server" || true; server=""
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

report() { # mode, then env assignments and the command
  local mode="$1" line ms=() rss=() pg=()
  shift
  for i in $(seq 1 "$runs"); do
    read -r -a line <<<"$(measure_once "$@")"
    ms+=("${line[0]}"); rss+=("${line[1]}"); pg+=("${line[2]}")
    printf '%-9s run %d: healthy in %5d ms, idle RSS %4d MiB (java)%s  [load %s]\n' "$mode" "$i" "${line[0]}" "${line[1]}" \
      "$([ "${line[2]}" -gt 0 ] && echo " + ${line[2]} MiB (embedded PostgreSQL processes)")" "$(cut -d' ' -f1 /proc/loadavg)"
  done
  printf '%-9s median: healthy in %5d ms, idle RSS %4d MiB (java)\n' "$mode" \
    "$(printf '%s\n' "${ms[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)"
}

echo "JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); $(nproc) cores; $(free -m | awk '/Mem:/ {print $2}') MiB RAM; idle ${idle}s before RSS"

if command -v psql >/dev/null 2>&1; then
  database="griddle_measure_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  # shellcheck disable=SC2086
  psql $psql_opts -qc "create database $database" >/dev/null
  url="${jdbc_prefix}${database}?user=postgres"
  report external GRIDDLE_DATABASE_URL="$url" ./griddle
  report untuned GRIDDLE_DATABASE_URL="$url" "$JAVA_HOME/bin/java" -jar server/target/griddle-server.jar
else
  echo "external: skipped (no psql to create a database)"
fi

runs_wanted="$runs"; runs=1
measure_once GRIDDLE_DATA_DIR="$work/data" ./griddle >/dev/null   # initdb: first start, not measured
runs="$runs_wanted"
report embedded GRIDDLE_DATA_DIR="$work/data" ./griddle
