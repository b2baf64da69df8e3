#!/usr/bin/env bash
# One prepared LoRA training run of the DJL trainer on a CUDA GPU: fp16 mixed precision beside
# fp32 (io.deltachain.trainer.bench.CudaLoraRun), then the same model in PyTorch eager on the same
# GPU (bench/trainer/torch_bench.py, fp16 autocast and fp32) for reference.
#
# It runs where Java and the DJL CUDA bundle are absent but Python's torch (CUDA build) is present:
# DJL 0.36.0's PyTorch engine is pointed at that torch's libraries (PYTORCH_LIBRARY_PATH,
# PYTORCH_VERSION, PYTORCH_FLAVOR) and loads a libdjl_torch.so built against them
# (bench/trainer/djl-jni/, placed where DJL looks: $DJL_CACHE_DIR/pytorch/<ver>-<flavor>-linux-x86_64/
# 0.36.0-libdjl_torch.so). Everything else comes from a payload directory prepared by
# bench/trainer/cuda-payload.sh: a jlinked Java 17 runtime (jre.tar.gz), the classpath jars (cp/),
# the JNI library (jni/libdjl_torch.so) and the JNI sources (djl-jni/, for BUILD_JNI=1).
#
# usage: bench/trainer/cuda-run.sh [payload-dir]     (default: the directory of this script)
# env:   OUT (logs; default ./cuda-out), PROFILE (small-100m), BATCH (16), SEQ (512), WARMUP (5),
#        STEPS (30), LR (1e-3), DOCS (2000 Europarl documents), BUILD_JNI=1 (compile libdjl_torch.so
#        here instead of using the prebuilt one), TORCH_REF=0 (skip the PyTorch eager reference)
set -uo pipefail
P="$(cd "${1:-$(dirname "$0")}" && pwd)"
OUT="${OUT:-$PWD/cuda-out}"
mkdir -p "$OUT"
PY="${PYTHON:-python3}"
PROFILE="${PROFILE:-small-100m}" BATCH="${BATCH:-16}" SEQ="${SEQ:-512}" WARMUP="${WARMUP:-5}"
STEPS="${STEPS:-30}" LR="${LR:-1e-3}" DOCS="${DOCS:-2000}"
log() { echo "[cuda-run $(date +%T)] $*" | tee -a "$OUT/cuda-run.log"; }

nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv 2>&1 | tee "$OUT/gpu.txt"
read -r TORCH_DIR TORCH_VER NV_LIB < <("$PY" - <<'EOF'
import os, torch
d = os.path.dirname(torch.__file__)
nv = os.path.join(os.path.dirname(d), "nvidia", "cu13", "lib")
print(d, torch.__version__, nv if os.path.isdir(nv) else "-")
EOF
)
log "torch $TORCH_VER at $TORCH_DIR (nvidia libs: $NV_LIB)"
BASE_VER="${TORCH_VER%%+*}"
FLAVOR="${TORCH_VER#*+}"; [[ "$FLAVOR" == "$TORCH_VER" ]] && FLAVOR=cpu

JNI="$P/jni/libdjl_torch.so"
if [[ "${BUILD_JNI:-0}" == 1 ]]; then
  log "building libdjl_torch.so against $TORCH_DIR"
  JAVA_INC="$P/jni-include" bash "$P/djl-jni/build.sh" "$P/djl-jni" "$TORCH_DIR" "$OUT/libdjl_torch.so" cuda \
    > "$OUT/jni-build.log" 2>&1 || { log "JNI build failed (see jni-build.log)"; exit 3; }
  JNI="$OUT/libdjl_torch.so"
fi

JRE=/tmp/deltachain-jre
rm -rf "$JRE" && mkdir -p "$JRE" && tar xzf "$P/jre.tar.gz" -C "$JRE" --strip-components=1
CACHE=/tmp/deltachain-djl-cache
mkdir -p "$CACHE/pytorch/$BASE_VER-$FLAVOR-linux-x86_64"
cp "$JNI" "$CACHE/pytorch/$BASE_VER-$FLAVOR-linux-x86_64/0.36.0-libdjl_torch.so"
CP="$(ls "$P"/cp/*.jar | paste -sd: -)"

log "DJL CudaLoraRun $PROFILE batch=$BATCH seq=$SEQ warmup=$WARMUP steps=$STEPS lr=$LR"
PYTORCH_LIBRARY_PATH="$TORCH_DIR/lib" PYTORCH_VERSION="$BASE_VER" PYTORCH_FLAVOR="$FLAVOR" DJL_CACHE_DIR="$CACHE" \
  "$JRE/bin/java" -Xmx8g -Dai.djl.offline=true -Djna.library.path="$NV_LIB" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=info -cp "$CP" \
  io.deltachain.trainer.bench.CudaLoraRun "$PROFILE" "$BATCH" "$SEQ" "$WARMUP" "$STEPS" "$LR" "$DOCS" \
  > "$OUT/djl-cuda.log" 2>&1
RC=$?
grep -E '^(device|engine|data|result|verdict)' "$OUT/djl-cuda.log" | tee -a "$OUT/cuda-run.log"
log "DJL run exit status $RC"
[[ $RC -ne 0 ]] && tail -40 "$OUT/djl-cuda.log"

if [[ "${TORCH_REF:-1}" == 1 && -f "$P/torch_bench.py" ]]; then
  CFG="$P/profile/$PROFILE/config.json"
  for amp in 1 0; do
    r="$(BENCH_DEVICE=cuda BENCH_AMP=$amp "$PY" "$P/torch_bench.py" "$CFG" "$PROFILE" LORA "$BATCH" "$SEQ" "$WARMUP" \
      "$STEPS" 2>>"$OUT/torch-ref.err" | tail -1)"
    log "pytorch eager LORA $([[ $amp == 1 ]] && echo fp16-autocast || echo fp32): $r"
  done
fi
exit $RC
