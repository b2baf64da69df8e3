/**
 * The end-to-end benchmark ({@link io.deltachain.abci.bench.AbciBench}, run by
 * {@code abci-app/bench.sh}): transactions per second and inclusion latency through real
 * CometBFT nodes.
 */
package io.deltachain.abci.bench;
