#!/usr/bin/env bash
# Builds libdjl_torch.so (DJL 0.36.0's PyTorch JNI library) against a libtorch/Python-torch install.
# usage: build.sh <source-dir> <torch-dir> <output.so> <cuda|cpu>
#   source-dir: DJL's engines/pytorch/pytorch-native/src/main/native files with patches.diff applied,
#               djl/utils.h beside them and ai_djl_pytorch_jni_PyTorchLibrary.h (javac -h of DJL 0.36.0's
#               PyTorchLibrary, see README.md)
#   torch-dir:  the directory holding include/ and lib/ (Python: os.path.dirname(torch.__file__))
#   cpu:        links only libtorch_cpu/libc10 (torchCudaEmptyCache becomes a no-op), for checks on a
#               machine without the CUDA libraries
# env: JAVA_INC (directory with jni.h and linux/jni_md.h; default: from javac), JOBS (default nproc)
set -euo pipefail
SRC="$(cd "$1" && pwd)"; T="$(cd "$2" && pwd)"; OUTSO="$3"; VARIANT="$4"
if [[ -z "${JAVA_INC:-}" ]]; then
  JAVA_INC="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")/include"
fi
OBJ="$(mktemp -d)"
trap 'rm -rf "$OBJ"' EXIT
DEFS=(-D_GLIBCXX_USE_CXX11_ABI=1)
LIBS=(-ltorch -ltorch_cpu -lc10)
if [[ "$VARIANT" == cpu ]]; then
  DEFS+=(-DDJL_CPU_ONLY)
else
  LIBS=(-Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed "${LIBS[@]}")
fi
export SRC T OBJ JAVA_INC
export CXXFLAGS="-std=c++17 -O2 -fPIC -w ${DEFS[*]}"
ls "$SRC"/*.cc | xargs -P "${JOBS:-$(nproc)}" -I{} sh -c \
  'g++ $CXXFLAGS -I"$SRC" -I"$T/include" -I"$T/include/torch/csrc/api/include" -I"$JAVA_INC" -I"$JAVA_INC/linux" \
     -c "{}" -o "$OBJ/$(basename "{}" .cc).o"'
g++ -shared -o "$OUTSO" "$OBJ"/*.o -L"$T/lib" "${LIBS[@]}" -Wl,-rpath,"$T/lib" -Wl,--allow-shlib-undefined
strip --strip-unneeded "$OUTSO"
echo "built $OUTSO ($VARIANT) against $T"
