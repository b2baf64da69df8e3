/**
 * Setting up and running CometBFT nodes beside the abci-app: config and genesis edits
 * ({@link io.deltachain.abci.node.CometNodeSetup}, also a command-line tool), validator key
 * files, and {@link io.deltachain.abci.node.LocalNet}, a loopback network used by the
 * integration tests and the benchmark.
 */
package io.deltachain.abci.node;
