package io.deltachain.core.delta;

/**
 * Double-quantized 4-bit block scales ({@link Quantization#quantizeScales}).
 *
 * @param codes one signed 8-bit code per block scale, in [-127, 127]
 * @param nestedAbsmax one float per group of 256 scales: the group's largest {@code |absmax - offset|}
 * @param offset the mean of all scales, subtracted before quantizing
 */
public record NestedScales(byte[] codes, float[] nestedAbsmax, float offset) {
  /** Checks the sizes agree. */
  public NestedScales {
    int groups = (codes.length + Quantization.NESTED_BLOCK_SIZE - 1) / Quantization.NESTED_BLOCK_SIZE;
    if (nestedAbsmax.length != groups) {
      throw new IllegalArgumentException(
          codes.length + " scale codes need " + groups + " nested scales, got " + nestedAbsmax.length);
    }
  }

  /**
   * Bound on how far a restored scale of group {@code group} may be from the original:
   * {@code m/254 + m*2^-20 + |offset|*2^-22 + 128*Float.MIN_VALUE}, {@code m = nestedAbsmax[group]}.
   */
  public float errorBound(int group) {
    float m = nestedAbsmax[group];
    return m / 254f + m * 0x1p-20f + Math.abs(offset) * 0x1p-22f + 128 * Float.MIN_VALUE;
  }
}
