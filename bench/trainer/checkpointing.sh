#!/usr/bin/env bash
# Peak memory and step time of one training step with and without activation checkpointing
# (io.deltachain.trainer.bench.CheckpointingBench), both in one JVM, alternating.
# usage: bench/trainer/checkpointing.sh [profile mode batch seq rounds]   (default: tiny-1m FULL 8 512 3)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
ARGS=("${@:-}")
[[ $# -eq 0 ]] && ARGS=(tiny-1m FULL 8 512 3)
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
mvn -o -q -B -pl services/trainer -am compile dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
DEPS="$(tr ':' '\n' < "$CP_FILE" | grep -v '/io/deltachain/' | paste -sd: -)"
CP="$ROOT/services/trainer/target/classes:$ROOT/core/target/classes:$DEPS"
# A fixed mmap threshold: glibc otherwise raises it after the first large free and keeps freed
# tensors in the heap, so RSS would no longer follow the live tensors.
export MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072
exec java -Xmx2g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.deltachain.trainer.bench.CheckpointingBench "${ARGS[@]}"
