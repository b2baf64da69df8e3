/** Benchmark harness for robust aggregation, run by bench/validator/run.sh beside numpy. */
package io.deltachain.validator.bench;
