package io.deltachain.core.delta;

import java.util.Arrays;

/**
 * The kept entries of a flattened tensor: strictly increasing flat indices and their values.
 *
 * @param length length of the dense vector
 * @param indices flat indices, strictly increasing, each in [0, length)
 * @param values the value at each index
 */
public record SparseVector(int length, int[] indices, float[] values) {
  /** Checks ordering, range and sizes. */
  public SparseVector {
    if (length < 0 || indices.length != values.length || indices.length > length) {
      throw new IllegalArgumentException(
          "sparse vector of length " + length + " with " + indices.length + " indices and " + values.length + " values");
    }
    int prev = -1;
    for (int i = 0; i < indices.length; i++) {
      int ix = indices[i];
      if (ix <= prev || ix >= length) {
        throw new IllegalArgumentException(
            "sparse index " + ix + " at position " + i + " is out of order or outside [0, " + length + ")");
      }
      prev = ix;
    }
  }

  /** Number of kept entries. */
  public int size() {
    return indices.length;
  }

  /** The dense vector (zeros elsewhere). */
  public float[] toDense() {
    float[] out = new float[length];
    for (int i = 0; i < indices.length; i++) {
      out[indices[i]] = values[i];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseVector s && length == s.length && Arrays.equals(indices, s.indices)
        && Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * length + Arrays.hashCode(indices)) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "SparseVector[length=" + length + ", size=" + indices.length + "]";
  }
}
