#!/usr/bin/env bash
# End-to-end benchmark of the deltachain ABCI app through real CometBFT v0.38 nodes on loopback.
# Builds abci-app (offline), then runs io.deltachain.abci.bench.AbciBench, which prints a table:
# tx/s and inclusion latency p50/p99 on one validator, and on four validators the time from the
# last verdict to the committed checkpoint. Bounded: every phase gives up after --max-seconds.
#
# Usage: abci-app/bench.sh [--nodes 1|4|both] [--txs 3000] [--deltas 2000]
#                          [--timeout-commit-1 200ms] [--timeout-commit-4 150ms] [--batch 200] [--max-seconds 180]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
mvn -o -q -B -pl abci-app -am package -DskipTests
CP_FILE="$ROOT/abci-app/target/bench.classpath"
mvn -o -q -B -pl abci-app dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
# Use this checkout's core classes, not a core jar that may sit in ~/.m2.
CP="$ROOT/abci-app/target/classes:$ROOT/core/target/classes:$(tr ':' '\n' < "$CP_FILE" | grep -v '/deltachain-core/' | paste -sd: -)"
exec java -Xmx2g -Ddeltachain.repo.root="$ROOT" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$CP" io.deltachain.abci.bench.AbciBench "$@"
