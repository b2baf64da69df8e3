/**
 * Durable ledger storage: {@link io.deltachain.abci.store.RocksStateStore} (RocksDB, one
 * synced write batch per commit) and an in-memory store for tests.
 */
package io.deltachain.abci.store;
