/** Benchmarks of the inference service. */
package io.deltachain.inference.bench;
