package io.deltachain.abci.ledger;

import java.util.Map;
import java.util.SortedMap;

/**
 * The ledger's sorted key/value state. Keys are ASCII paths ({@code round/r1},
 * {@code delta/<hex>}); iteration is in key order, which is also byte order for ASCII.
 */
public interface Kv {
  /** The value, or null. */
  byte[] get(String key);

  /** Sets a value (never null). */
  void put(String key, byte[] value);

  /** Removes a key if present. */
  void delete(String key);

  /** All live entries with {@code from <= key < to}, in key order (a snapshot). */
  SortedMap<String, byte[]> range(String from, String to);

  /** All live entries whose key starts with {@code prefix}, in key order (a snapshot). */
  default SortedMap<String, byte[]> scan(String prefix) {
    return range(prefix, prefixEnd(prefix));
  }

  /** The end of the key range starting with {@code prefix} (exclusive upper bound). */
  static String prefixEnd(String prefix) {
    return prefix + Character.MAX_VALUE;
  }

  /** True when {@code key} is present. */
  default boolean has(String key) {
    return get(key) != null;
  }

  /** A read-only view of a plain sorted map. */
  static Kv readOnly(java.util.NavigableMap<String, byte[]> map) {
    return new Kv() {
      @Override
      public byte[] get(String key) {
        return map.get(key);
      }

      @Override
      public void put(String key, byte[] value) {
        throw new UnsupportedOperationException("read-only state");
      }

      @Override
      public void delete(String key) {
        throw new UnsupportedOperationException("read-only state");
      }

      @Override
      public SortedMap<String, byte[]> range(String from, String to) {
        return new java.util.TreeMap<>(map.subMap(from, true, to, false));
      }
    };
  }

  /** Entry helper. */
  static Map.Entry<String, byte[]> entry(String k, byte[] v) {
    return Map.entry(k, v);
  }
}
