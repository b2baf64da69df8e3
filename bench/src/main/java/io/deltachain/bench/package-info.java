/**
 * JMH benchmarks of deltachain's hot paths: safetensors read and write throughput against a
 * plain file copy of the same bytes, and quantize/dequantize rates. Run them with
 * {@code bench/run-core-bench.sh}, which also prints the summary table ({@link io.deltachain.bench.BenchReport}).
 */
package io.deltachain.bench;
