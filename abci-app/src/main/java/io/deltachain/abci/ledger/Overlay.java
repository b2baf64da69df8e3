package io.deltachain.abci.ledger;

import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Staged writes over committed state. FinalizeBlock writes here; Commit applies the writes to
 * the committed map and the store; CheckTx keeps its own overlay that Commit discards.
 * A null value in {@link #writes()} marks a deletion.
 */
public final class Overlay implements Kv {
  private static final byte[] DELETED = null;
  private final NavigableMap<String, byte[]> base;
  private final TreeMap<String, byte[]> writes = new TreeMap<>();

  /** Stages over {@code base}, which must not change while this overlay is in use. */
  public Overlay(NavigableMap<String, byte[]> base) {
    this.base = base;
  }

  @Override
  public byte[] get(String key) {
    if (writes.containsKey(key)) {
      return writes.get(key);
    }
    return base.get(key);
  }

  @Override
  public void put(String key, byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("null value for " + key);
    }
    writes.put(key, value);
  }

  @Override
  public void delete(String key) {
    writes.put(key, DELETED);
  }

  @Override
  public SortedMap<String, byte[]> range(String from, String end) {
    TreeMap<String, byte[]> r = new TreeMap<>(base.subMap(from, true, end, false));
    for (Map.Entry<String, byte[]> e : writes.subMap(from, true, end, false).entrySet()) {
      if (e.getValue() == null) {
        r.remove(e.getKey());
      } else {
        r.put(e.getKey(), e.getValue());
      }
    }
    return r;
  }

  /** The staged writes in key order; null values are deletions. */
  public NavigableMap<String, byte[]> writes() {
    return writes;
  }
}
