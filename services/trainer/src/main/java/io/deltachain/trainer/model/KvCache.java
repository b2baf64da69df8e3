package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the positions seen so far (before the GQA repeat, so it holds
 * {@code num_key_value_heads} heads), used by {@link Generator} so each new token costs one
 * position of attention instead of the whole prefix.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;

  /**
   * Creates an empty cache.
   *
   * @param parent manager to allocate under
   * @param numLayers decoder layers
   */
  public KvCache(NDManager parent, int numLayers) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[numLayers];
    this.values = new NDArray[numLayers];
  }

  /** @return the number of cached positions */
  public int length() {
    return length;
  }

  NDArray[] append(int layer, NDArray k, NDArray v) {
    NDArray newK = keys[layer] == null ? k.duplicate() : keys[layer].concat(k, 2);
    NDArray newV = values[layer] == null ? v.duplicate() : values[layer].concat(v, 2);
    newK.attach(manager);
    newV.attach(manager);
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = newK;
    values[layer] = newV;
    return new NDArray[] {newK, newV};
  }

  /**
   * Forgets every position from {@code newLength} on (speculative decoding rewinds the drafts the
   * target rejected).
   *
   * @param newLength positions to keep, at most {@link #length()}
   */
  public void truncate(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
    }
    if (newLength == length) {
      return;
    }
    for (int layer = 0; layer < keys.length; layer++) {
      if (keys[layer] == null) {
        continue;
      }
      NDArray k = newLength == 0 ? null : prefix(keys[layer], newLength);
      NDArray v = newLength == 0 ? null : prefix(values[layer], newLength);
      keys[layer].close();
      values[layer].close();
      keys[layer] = k;
      values[layer] = v;
    }
    length = newLength;
  }

  private static NDArray prefix(NDArray cached, int positions) {
    try (NDArray view = cached.get(":, :, :{}", positions)) {
      return view.duplicate();
    }
  }

  void advance(int positions) {
    length += positions;
  }

  @Override
  public void close() {
    manager.close();
  }
}
