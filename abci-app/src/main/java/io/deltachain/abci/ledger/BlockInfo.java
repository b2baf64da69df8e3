package io.deltachain.abci.ledger;

/**
 * What a transaction may know about its block: the height and the block time (seconds since
 * the epoch, from the header; the only clock the ledger reads).
 */
record BlockInfo(long height, long timeSeconds) {}
