#!/bin/bash
# The knowledge-search scenario: the embedded default of knowledge search (the local all-MiniLM-L6-v2
# and the in-memory vector index) in one JVM, with the server's JVM options; no server, no network.
# Prints two JSON lines (knowledge-embed: model load, RSS, chunks/s; knowledge-search: index RSS and
# search latency over --chunks generated vectors with a real query embedding). Needs JAVA_HOME (21+).
#   bench/knowledge-search.sh [--chunks 100000] [--scopes 50] [--searches 500] [--warmup 50]
#                             [--embed-texts 200] [--threads 1] [--batch-size 8] [--k 10]
set -eu
cd "$(dirname "$0")/.."
: "${JAVA_HOME:?set JAVA_HOME to a JDK 21+}"
./mvnw -q -B -o -pl server -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >&2
cp="server/target/test-classes:server/target/classes:$(cat server/target/bench-classpath.txt)"
exec "$JAVA_HOME/bin/java" -Xms64m -XX:+ExitOnOutOfMemoryError ${GRIDDLE_JAVA_OPTS:-} -cp "$cp" \
  dev.griddle.server.knowledge.vector.VectorSearchBench "$@"
