/**
 * The end-to-end throughput benchmark behind services/delta-store/bench.sh.
 */
package io.deltachain.store.bench;
