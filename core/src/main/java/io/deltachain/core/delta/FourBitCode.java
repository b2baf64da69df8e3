package io.deltachain.core.delta;

/**
 * The 16-level codebooks of the blockwise 4-bit encodings. A value {@code x} in a block with
 * absmax {@code a} is stored as the index of the code nearest to {@code x / a} and restored as
 * {@code code[index] * a}.
 *
 * <p>Nearest means: the index {@code q} such that {@code x/a} lies between the midpoints
 * {@code (code[q-1]+code[q])/2} (exclusive) and {@code (code[q]+code[q+1])/2} (inclusive), as
 * bitsandbytes does by bucketizing against midpoints. It is found with a 1025-entry bucket table
 * and at most two comparisons, not a search.
 */
public enum FourBitCode {
  /**
   * bitsandbytes NF4: normal-distribution quantiles with an exact zero, in index order 0..15
   * (the float32 values from {@code create_normal_map(offset=0.9677083, use_extra_value=True)}).
   */
  NF4(new float[] {
      -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
      -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
      0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
      0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f}),
  /**
   * Symmetric linear int4: index {@code k} means {@code (k - 8) / 7}, so indices 1..15 cover
   * -1..1 in steps of 1/7 with an exact zero at 8. Index 0 ({@code -8/7}) is never produced.
   */
  INT4(linearInt4());

  private static final int BUCKETS = 1024;

  private final float[] values;
  /** midpoints[q] = lower edge of code q's bucket: -inf, 15 midpoints, +inf. */
  private final float[] edges;
  private final byte[] bucketToIndex;
  private final float maxHalfGap;

  FourBitCode(float[] values) {
    this.values = values;
    this.edges = new float[17];
    edges[0] = Float.NEGATIVE_INFINITY;
    edges[16] = Float.POSITIVE_INFINITY;
    float gap = 0;
    for (int i = 0; i < 15; i++) {
      edges[i + 1] = (values[i] + values[i + 1]) * 0.5f;
      // only gaps inside [-1, 1] matter: INT4's unused code -8/7 lies outside
      if (values[i] >= -1f) {
        gap = Math.max(gap, (values[i + 1] - values[i]) * 0.5f);
      }
    }
    this.maxHalfGap = gap;
    this.bucketToIndex = new byte[BUCKETS + 1];
    for (int b = 0; b <= BUCKETS; b++) {
      bucketToIndex[b] = (byte) nearestByScan(b / (float) (BUCKETS / 2) - 1f);
    }
  }

  private static float[] linearInt4() {
    float[] v = new float[16];
    for (int k = 0; k < 16; k++) {
      v[k] = (k - 8) / 7f;
    }
    return v;
  }

  /** The 16 code values in index order (a copy). */
  public float[] codeValues() {
    return values.clone();
  }

  /** Code value of index {@code q}. */
  public float value(int q) {
    return values[q];
  }

  /** Largest half-gap between adjacent codes inside [-1, 1]: the worst rounding error, in units of absmax. */
  public float maxHalfGap() {
    return maxHalfGap;
  }

  /**
   * The documented bound on {@code |x - dequantize(quantize(x))|} for a value in a block with
   * absmax {@code absmax} (without double quantization): {@code absmax * maxHalfGap} plus float
   * rounding ({@code absmax * 2^-20 + Float.MIN_VALUE}).
   */
  public float errorBound(float absmax) {
    return absmax * maxHalfGap + absmax * 0x1p-20f + Float.MIN_VALUE;
  }

  /** Index of the code nearest to {@code v}, by linear scan over the midpoints (the reference). */
  int nearestByScan(float v) {
    int q = 0;
    for (int i = 1; i <= 15; i++) {
      if (v > edges[i]) {
        q = i;
      }
    }
    return q;
  }

  /** Index of the code nearest to {@code v}, for {@code |v| <= 1 + 2^-20}; equal to {@link #nearestByScan}. */
  int nearest(float v) {
    int q = bucketToIndex[(int) ((v + 1f) * (BUCKETS / 2))];
    // the bucket's lower edge may sit on the other side of at most one midpoint from v
    if (v > edges[q + 1]) {
      q++;
    } else if (v <= edges[q]) {
      q--;
    }
    return q;
  }

  /** The code table for dequantization (shared, do not modify). */
  float[] table() {
    return values;
  }
}
