#!/usr/bin/env bash
# Builds the JMH benchmarks jar and runs deltachain's core benchmarks (safetensors read/write
# against a plain file copy, NF4/int8 quantize/dequantize), then prints a summary table.
#
# usage: bench/run-core-bench.sh [--no-build] [extra JMH options...]
#   JAVA=/path/to/java   java to run with (default: $JAVA_HOME/bin/java, else java on PATH)
#   MVN_FLAGS="-o"       extra Maven flags for the build (e.g. offline)
#   RESULTS=path.json    where JMH writes its JSON results (default: bench/target/core-bench.json)
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
if [[ "${1:-}" == "--no-build" ]]; then
  build=0
  shift
fi
if [[ $build == 1 ]]; then
  echo "building bench/target/benchmarks.jar ..." >&2
  # shellcheck disable=SC2086
  mvn -q -B ${MVN_FLAGS:-} -pl bench -am package -DskipTests
fi

java_bin="${JAVA:-}"
if [[ -z "$java_bin" ]]; then
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java_bin="$JAVA_HOME/bin/java"; else java_bin=java; fi
fi
jar=bench/target/benchmarks.jar
results="${RESULTS:-bench/target/core-bench.json}"
mkdir -p "$(dirname "$results")"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "java: $("$java_bin" -version 2>&1 | head -1)" >&2

# Modest settings: one fork per benchmark, 2 warmup and 3 measured iterations (about 3 minutes).
"$java_bin" -jar "$jar" -f 1 -wi 2 -i 3 -rf json -rff "$results" "$@" 'io\.deltachain\.bench\..*' >&2

echo
echo "deltachain core benchmarks (single thread; read = open + validate + copy/sum all data from the page cache)"
"$java_bin" -cp "$jar" io.deltachain.bench.BenchReport "$results"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
