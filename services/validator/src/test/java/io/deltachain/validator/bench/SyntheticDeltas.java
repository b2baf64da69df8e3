package io.deltachain.validator.bench;

/**
 * Deterministic synthetic deltas that bench/validator/flower_numpy.py generates identically
 * (same 32-bit integer hash, same float conversion), so the Java and numpy results can be
 * compared value for value, not only timed. The first {@code poisoned} deltas are scaled up 10x
 * and shifted, so Krum and the trimmed mean have outliers to reject.
 */
public final class SyntheticDeltas {
  private SyntheticDeltas() {}

  /** Delta i of n with d values. */
  public static float[] delta(int i, int d, int poisoned) {
    float[] v = new float[d];
    float scale = i < poisoned ? 1e-2f : 1e-3f;
    float offset = i < poisoned ? 5e-3f : 0f;
    int seed = i * 0x85EBCA77;
    for (int k = 0; k < d; k++) {
      int h = k * 0x9E3779B1 + seed;
      h ^= h >>> 16;
      h *= 0x7FEB352D;
      h ^= h >>> 15;
      // 24 random bits -> [-0.5, 0.5), exact in float
      float u = (h >>> 8) * 0x1.0p-24f - 0.5f;
      v[k] = u * scale + offset;
    }
    return v;
  }
}
