package io.deltachain.abci.store;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** A non-durable store for unit tests and benchmarks of the state machine alone. */
public final class MemoryStateStore implements StateStore {
  private final TreeMap<String, byte[]> entries = new TreeMap<>();
  private long height;
  private byte[] appHash = new byte[0];

  @Override
  public synchronized Loaded load() {
    return new Loaded(new TreeMap<>(entries), height, appHash.clone());
  }

  @Override
  public synchronized void commit(long height, byte[] appHash, NavigableMap<String, byte[]> writes) {
    for (Map.Entry<String, byte[]> e : writes.entrySet()) {
      if (e.getValue() == null) {
        entries.remove(e.getKey());
      } else {
        entries.put(e.getKey(), e.getValue().clone());
      }
    }
    this.height = height;
    this.appHash = appHash.clone();
  }

  @Override
  public void close() {}
}
