/**
 * The deltachain ABCI application process: {@link io.deltachain.abci.AbciMain} wires the
 * RocksDB store, the ledger and the socket server. Subpackages hold the transport
 * ({@code server}), the state machine ({@code ledger}), storage ({@code store}), the Java
 * client for services ({@code client}) and CometBFT node setup ({@code node}).
 */
package io.deltachain.abci;
