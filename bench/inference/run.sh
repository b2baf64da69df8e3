#!/usr/bin/env bash
# Tokens/s with and without speculative decoding on this CPU (io.deltachain.inference.bench.SpeculativeBench).
# usage: bench/inference/run.sh [target draft train_steps tokens prompts]   (default: tiny-20m tiny-1m 200 96 6)
# The two models are trained once on Europarl and cached in ~/.cache/deltachain/bench.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
ARGS=("$@")
[[ $# -eq 0 ]] && ARGS=(tiny-20m tiny-1m 200 96 6)
CACHE="${DELTACHAIN_BENCH_CACHE:-$HOME/.cache/deltachain/bench}"
mkdir -p "$CACHE"
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
mvn -o -q -B -pl services/inference -am compile dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
DEPS="$(tr ':' '\n' < "$CP_FILE" | grep -v '/io/deltachain/' | paste -sd: -)"
CP="$ROOT/services/inference/target/classes:$ROOT/services/trainer/target/classes:$ROOT/core/target/classes:$DEPS"
exec java -Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${BENCH_THREADS:-1}" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.deltachain.inference.bench.SpeculativeBench "${ARGS[@]}" "$CACHE"
