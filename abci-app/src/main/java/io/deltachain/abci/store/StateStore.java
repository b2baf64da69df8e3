package io.deltachain.abci.store;

import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Durable storage of the ledger: the state entries, the height and the app hash, written
 * together and atomically in Commit. Info reports exactly what the last commit wrote.
 */
public interface StateStore extends AutoCloseable {
  /** What the last commit persisted (height 0 and an empty hash before the first). */
  record Loaded(TreeMap<String, byte[]> entries, long height, byte[] appHash) {}

  /** Reads everything persisted. */
  Loaded load();

  /**
   * Persists one block's writes (null values delete) with the new height and app hash, all or
   * nothing, durably before returning.
   */
  void commit(long height, byte[] appHash, NavigableMap<String, byte[]> writes);

  @Override
  void close();
}
