#!/usr/bin/env bash
# Pipeline-parallel training throughput against single-process throughput, and the bubble fraction
# (io.deltachain.trainer.bench.PipelineBench). Stages run as separate JVMs on loopback, tensors
# between them over gRPC streams; the single-process run is in the bench JVM, before and after.
# usage: bench/trainer/pipeline.sh [profile stage-counts micro-batches batch seq steps [schedules]]
#        (default: tiny-1m 2,3 4 4 64 16 gpipe,1f1b; the first quarter of the steps is warm-up)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
ARGS=("${@:-}")
[[ $# -eq 0 ]] && ARGS=(tiny-1m 2,3 4 4 64 16)
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
mvn -o -q -B -pl services/trainer -am compile dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
DEPS="$(tr ':' '\n' < "$CP_FILE" | grep -v '/io/deltachain/' | paste -sd: -)"
CP="$ROOT/services/trainer/target/classes:$ROOT/core/target/classes:$DEPS"
exec java -Xmx2g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.deltachain.trainer.bench.PipelineBench "${ARGS[@]}"
