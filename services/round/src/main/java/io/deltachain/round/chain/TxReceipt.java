package io.deltachain.round.chain;

/**
 * Where a transaction committed.
 *
 * @param height the block height
 * @param txHash the transaction's hash, hex
 */
public record TxReceipt(long height, String txHash) {}
