package io.deltachain.core.tensor;

/**
 * IEEE 754 binary16 (F16) and bfloat16 (BF16) conversions to and from float, in plain Java
 * (Java 17 has no {@code Float.floatToFloat16}; DJL's PyTorch engine cannot handle BF16 at all).
 *
 * <p>Narrowing rounds to nearest, ties to even, overflows to infinity and keeps NaNs NaN (the
 * top payload bits are kept; a payload that would vanish becomes the quiet bit). Widening is
 * exact. Every function is a pure function of its input bits, so results are identical on every
 * machine.
 */
public final class HalfFloats {
  /** F16 bits to float, for all 65536 patterns: widening by table is a single load. */
  private static final float[] F16_TO_FLOAT = new float[1 << 16];

  static {
    for (int h = 0; h < (1 << 16); h++) {
      F16_TO_FLOAT[h] = f16BitsToFloatSlow(h);
    }
  }

  private HalfFloats() {}

  /** Widens F16 bits (the low 16 bits of {@code bits}) to the exactly equal float. */
  public static float f16ToFloat(short bits) {
    return F16_TO_FLOAT[bits & 0xFFFF];
  }

  private static float f16BitsToFloatSlow(int h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0) {
      // zero or subnormal: mant * 2^-24, exact in float
      float mag = mant * 0x1p-24f;
      return Float.intBitsToFloat(sign | Float.floatToRawIntBits(mag));
    }
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp + (127 - 15)) << 23) | (mant << 13));
  }

  /** Narrows a float to F16 bits, rounding to nearest even. */
  public static short floatToF16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7FFF_FFFF;
    if (abs >= 0x7F80_0000) {
      if (abs == 0x7F80_0000) {
        return (short) (sign | 0x7C00);
      }
      int payload = (abs >>> 13) & 0x3FF;
      return (short) (sign | 0x7C00 | (payload == 0 ? 0x200 : payload));
    }
    if (abs >= 0x477F_F000) {
      // >= 65520 = max half (65504) + half an ulp; the tie goes to the even neighbour, infinity
      return (short) (sign | 0x7C00);
    }
    if (abs >= 0x3880_0000) {
      // normal half: add the rounding bias (ties to even) then rebias the exponent; a carry out
      // of the mantissa correctly bumps the exponent
      int rounded = abs + 0xFFF + ((abs >>> 13) & 1);
      return (short) (sign | ((rounded - 0x3800_0000) >>> 13));
    }
    if (abs <= 0x3300_0000) {
      // at most half the smallest subnormal (2^-25): rounds to (signed) zero
      return (short) sign;
    }
    // subnormal half: value = m * 2^(e-150), half mantissa = value / 2^-24 = m >> (126 - e)
    int e = abs >>> 23;
    int m = (abs & 0x7F_FFFF) | 0x80_0000;
    int shift = 126 - e;
    int r = m >>> shift;
    int rem = m & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    if (rem > half || (rem == half && (r & 1) != 0)) {
      r++;
    }
    return (short) (sign | r);
  }

  /** Widens BF16 bits to the exactly equal float. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** Narrows a float to BF16 bits, rounding to nearest even; NaN stays NaN. */
  public static short floatToBf16(float f) {
    int b = Float.floatToRawIntBits(f);
    if ((b & 0x7FFF_FFFF) > 0x7F80_0000) {
      return (short) ((b >>> 16) | 0x40);
    }
    return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
  }

  /** Widens {@code n} F16 values from {@code src[srcOff..]} into {@code dst[dstOff..]}. */
  public static void f16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
    final float[] table = F16_TO_FLOAT;
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = table[src[srcOff + i] & 0xFFFF];
    }
  }

  /** Widens {@code n} BF16 values from {@code src[srcOff..]} into {@code dst[dstOff..]}. */
  public static void bf16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = Float.intBitsToFloat((src[srcOff + i] & 0xFFFF) << 16);
    }
  }

  /** Narrows {@code n} floats to F16 bits. */
  public static void floatToF16(float[] src, int srcOff, short[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = floatToF16(src[srcOff + i]);
    }
  }

  /** Narrows {@code n} floats to BF16 bits. */
  public static void floatToBf16(float[] src, int srcOff, short[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = floatToBf16(src[srcOff + i]);
    }
  }
}
