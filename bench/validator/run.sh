#!/usr/bin/env bash
# Benchmark: Krum and trimmed mean over n = 10, 20 deltas of 4M and 16M floats, deltachain's
# Java implementation (services/validator) beside numpy implementations written the way Flower
# computes them (flower_numpy.py), in one invocation, on identical synthetic inputs.
# Prints a table with the speedup and whether both implementations chose/computed the same.
#
# Options (environment): NS=10,20  DS=4000000,16000000  JAVA_REPS=5  NUMPY_REPS=3  THREADS=1
#   (THREADS=1,2 adds a multi-threaded Java column; results are bit-identical to 1 thread).
# Memory: 20 x 16M floats = 1.28 GB per copy; the JVM gets -Xmx4g, numpy needs about 4 GB.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
NS="${NS:-10,20}"
DS="${DS:-4000000,16000000}"
JAVA_REPS="${JAVA_REPS:-5}"
NUMPY_REPS="${NUMPY_REPS:-3}"
THREADS="${THREADS:-1}"
NUMPY_VERSION="2.4.6"

venv="$here/.venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import numpy" 2>/dev/null; then
  echo "== creating $venv with numpy $NUMPY_VERSION" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "numpy==$NUMPY_VERSION"
fi

out="$root/services/validator/target/bench"
mkdir -p "$out"
echo "== building services/validator (offline)" >&2
(cd "$root" && mvn -o -q -B -pl services/validator -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test >&2)
cp="$root/services/validator/target/test-classes:$root/services/validator/target/classes:$(cat "$out/classpath.txt")"

echo "== Java (median of $JAVA_REPS after 2 warm-up runs)" >&2
java -Xmx4g -Xms4g -XX:+UseParallelGC -cp "$cp" io.deltachain.validator.bench.AggregationBenchmark \
  --out "$out/java.tsv" --n "$NS" --d "$DS" --reps "$JAVA_REPS" --warmup 2 --threads "$THREADS" >&2
echo "== numpy, Flower's way (median of $NUMPY_REPS after 1 warm-up run)" >&2
"$venv/bin/python" "$here/flower_numpy.py" bench --out "$out/numpy.tsv" --n "$NS" --d "$DS" \
  --reps "$NUMPY_REPS" --warmup 1 >&2
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$venv/bin/python" "$here/flower_numpy.py" table "$out/java.tsv" "$out/numpy.tsv"
