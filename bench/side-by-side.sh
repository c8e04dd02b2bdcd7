#!/bin/bash
# One pass of the fixed scenarios on a fresh server, the transform10 runner through the peers' client
# (bench.js), then n8n with the same client (N8N=0 skips it). Needs JAVA_HOME (21+) and the peers
# installed in $PEERS_DIR (../shared/peers/README.md). Output: $OUT/<label>.jsonl, progress on stderr.
#   bench/side-by-side.sh [label]
set -u
label=${1:-main}; shift || true
out=${OUT:-${TMPDIR:-/tmp}/griddle-side-by-side}; mkdir -p $out; f=$out/$label.jsonl; : > $f
cd "$(dirname "$0")/.."
export PEERS_DIR=${PEERS_DIR:-${TMPDIR:-/tmp}/peers}
bench/stop-server.sh >/dev/null 2>&1
bench/start-server.sh --pg-stat-statements > $out/bench-env.sh 2>>$out/$label.err || { echo start failed; exit 1; }
. $out/bench-env.sh
B="$JAVA_HOME/bin/java -jar bench/target/griddle-bench.jar"
run() { echo "== $*" >&2; $B "$@" --pid $BENCH_PIDS 2>>$out/$label.err | tee -a $f; }
run --scenario chain40 --runs 21
run --scenario transform10
run --scenario throughput --step http --n 2000 --concurrency 16
run --scenario fanout --items 1000
run --scenario backlog --tasks 20000 --sample-ms 2000
PSQL="psql -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres"
RUNNER=$($PSQL -Atc "select id from runners where name like 'bench-transform10%' order by created_at desc limit 1")
echo "runner $RUNNER" >&2
echo '{"client":"bench.js","target":"griddle"}' >> $f
node $PEERS_DIR/bench.js $GRIDDLE_URL/api/v1/runners/$RUNNER/runs 2000 16 --warmup=100 \
  --body='{"input":{"n":1}}' --header="Authorization: Bearer $GRIDDLE_KEY" --pid=$BENCH_PIDS | tee -a $f
bench/stop-server.sh >/dev/null 2>&1
if [ "${N8N:-1}" = 1 ]; then
  bash $PEERS_DIR/start.sh n8n >&2
  for i in $(seq 1 60); do c=$(curl -s -o /dev/null -w "%{http_code}" -X POST http://127.0.0.1:5678/webhook/bench-set -H 'content-type: application/json' -d '{"n":1}'); [ "$c" = 200 ] && break; sleep 1; done; echo "n8n webhook $c" >&2
  echo '{"client":"bench.js","target":"n8n"}' >> $f
  node $PEERS_DIR/bench.js http://127.0.0.1:5678/webhook/bench-set 2000 16 --warmup=100 --pid=$(cat $PEERS_DIR/n8n.pid) | tee -a $f
  bash $PEERS_DIR/stop.sh n8n >&2
fi
