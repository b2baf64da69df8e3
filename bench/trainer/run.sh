#!/usr/bin/env bash
# Training tokens/s of the DJL trainer beside the same model and batch in PyTorch eager, on this CPU.
# usage: bench/trainer/run.sh [profile ...]      (default: tiny-1m small-100m)
# env:   TORCH_PYTHON (default bench/trainer/.venv/bin/python; created with `pip install torch` if missing)
#        BENCH_THREADS (intra-op threads for both, default 1: on a machine shared with other busy
#        processes, OpenMP's spinning thread pools run 10x slower with 2 threads than with 1), STEPS, WARMUP,
#        REPEAT (default 3: DJL and PyTorch runs alternate REPEAT times and the best of each is kept, so a
#        burst of load from other processes does not decide the ratio)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PROFILES=("${@:-tiny-1m small-100m}")
[[ $# -eq 0 ]] && PROFILES=(tiny-1m small-100m)
THREADS="${BENCH_THREADS:-1}"
PY="${TORCH_PYTHON:-$ROOT/bench/trainer/.venv/bin/python}"
if [[ ! -x "$PY" ]]; then
  python3 -m venv "$ROOT/bench/trainer/.venv"
  "$ROOT/bench/trainer/.venv/bin/pip" install -q torch numpy
  PY="$ROOT/bench/trainer/.venv/bin/python"
fi

CP_FILE="$(mktemp)"
CFG_DIR="$(mktemp -d)"
trap 'rm -rf "$CP_FILE" "$CFG_DIR"' EXIT
mvn -o -q -B -pl services/trainer -am compile dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
DEPS="$(tr ':' '\n' < "$CP_FILE" | grep -v '/io/deltachain/' | paste -sd: -)"
# Private copies of the compiled classes, so a rebuild during the run cannot pull them away.
cp -r "$ROOT/services/trainer/target/classes" "$CFG_DIR/trainer-classes"
cp -r "$ROOT/core/target/classes" "$CFG_DIR/core-classes"
CP="$CFG_DIR/trainer-classes:$CFG_DIR/core-classes:$DEPS"
JAVA=(java -Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")

declare -A SHAPE=([tiny-1m]="8 128 3 15" [tiny-20m]="4 128 2 7" [small-100m]="4 128 1 5")
printf '%-12s %-5s %5s %4s | %10s %10s %6s | %10s %10s %6s\n' profile mode batch seq djl_wall torch_wall ratio djl_cpu torch_cpu ratio
for p in "${PROFILES[@]}"; do
  read -r B T W S <<<"${SHAPE[$p]:-4 128 1 3}"
  W="${WARMUP:-$W}"; S="${STEPS:-$S}"
  cfg="$ROOT/core/src/main/resources/io/deltachain/core/profile/$p/config.json"
  for mode in FULL LORA; do
    djl=0; tor=0; djlc=0; torc=0
    for ((r = 0; r < ${REPEAT:-3}; r++)); do
      d="$("${JAVA[@]}" io.deltachain.trainer.bench.TrainBench "$p" "$mode" "$B" "$T" "$W" "$S" 2>/dev/null | awk '/^djl/ {print $4, $6}' || true)"
      t="$(BENCH_THREADS="$THREADS" "$PY" "$ROOT/bench/trainer/torch_bench.py" "$cfg" "$p" "$mode" "$B" "$T" "$W" "$S" 2>/dev/null | awk '/^torch/ {print $4, $6}' || true)"
      read -r dw dc <<<"${d:-0 0}"; read -r tw tc <<<"${t:-0 0}"
      djl="$(awk -v a="$djl" -v b="$dw" 'BEGIN { print (b > a ? b : a) }')"
      tor="$(awk -v a="$tor" -v b="$tw" 'BEGIN { print (b > a ? b : a) }')"
      djlc="$(awk -v a="$djlc" -v b="$dc" 'BEGIN { print (b > a ? b : a) }')"
      torc="$(awk -v a="$torc" -v b="$tc" 'BEGIN { print (b > a ? b : a) }')"
    done
    ratio="$(awk -v a="$djl" -v b="$tor" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
    ratioc="$(awk -v a="$djlc" -v b="$torc" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
    printf '%-12s %-5s %5s %4s | %10s %10s %6s | %10s %10s %6s\n' "$p" "$mode" "$B" "$T" "$djl" "$tor" "$ratio" "$djlc" "$torc" "$ratioc"
  done
done
echo "(tokens/s: wall = tokens of a step / median wall time of a step; cpu = tokens / process CPU time, over all timed steps)"
echo "(fp32, $THREADS intra-op threads each, $("$PY" -c 'import torch; print("torch", torch.__version__)') vs DJL 0.36.0 / libtorch 2.7.1)"
