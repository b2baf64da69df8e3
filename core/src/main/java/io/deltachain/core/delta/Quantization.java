package io.deltachain.core.delta;

import java.util.Objects;

/**
 * Value quantization for delta files: int8 with a per-row absmax scale, blockwise 4-bit (NF4 or
 * linear int4) with a per-block absmax, and double quantization of 4-bit block scales. Every
 * function is deterministic plain Java over arrays (no boxing, no allocation per element), so
 * every validator decodes the same bits.
 *
 * <h2>Error bounds (tested)</h2>
 *
 * <ul>
 *   <li><b>int8</b>, row absmax {@code a}: {@code |x - x'| <= a/254 + a*2^-20 + 128*Float.MIN_VALUE}
 *       ({@link #int8ErrorBound}). Values are {@code round(x*127/a)} in [-127, 127], scale {@code a/127}.
 *   <li><b>4-bit</b>, block absmax {@code a}: {@code |x - x'| <= a*g + a*2^-20 + Float.MIN_VALUE},
 *       where {@code g} is the code's largest half-gap ({@link FourBitCode#maxHalfGap()}: 0.15190
 *       for NF4, between -1 and -0.69619; 1/14 for int4) ({@link FourBitCode#errorBound}).
 *   <li><b>double quantization</b> adds the scale error: each block scale comes back within
 *       {@code m/254 + m*2^-20 + |offset|*2^-22 + 128*Float.MIN_VALUE} of the true absmax, {@code m} the largest
 *       {@code |absmax - offset|} of its group of 256 ({@link NestedScales#errorBound}), and since
 *       every code is in [-1, 1] a value's error grows by at most that much.
 * </ul>
 *
 * <p>Non-finite inputs (NaN, infinity) are refused: they would poison a whole block's scale.
 */
public final class Quantization {
  /** Default block size of the 4-bit encodings (as bitsandbytes). */
  public static final int DEFAULT_BLOCK_SIZE = 64;
  /** Group size of double quantization (as bitsandbytes). */
  public static final int NESTED_BLOCK_SIZE = 256;

  private Quantization() {}

  // ---------------------------------------------------------------- int8 per row

  /**
   * Quantizes {@code x}, viewed as {@code rows} rows of {@code x.length / rows} values, to int8
   * with one absmax scale per row. An all-zero row gets scale 0.
   */
  public static Int8Quantized quantizeInt8(float[] x, int rows) {
    Objects.requireNonNull(x, "x");
    if (rows < 0 || (rows == 0 ? x.length != 0 : x.length % rows != 0)) {
      throw new IllegalArgumentException(x.length + " values do not split into " + rows + " rows");
    }
    int cols = rows == 0 ? 0 : x.length / rows;
    byte[] q = new byte[x.length];
    float[] scales = new float[rows];
    for (int r = 0; r < rows; r++) {
      int start = r * cols;
      float amax = absmax(x, start, start + cols, "row " + r);
      float scale = amax / 127f;
      if (Float.isInfinite(scale * 127f)) {
        // near Float.MAX_VALUE the rounded scale times 127 would overflow: take the float below
        scale = Math.nextDown(scale);
      }
      scales[r] = scale;
      if (amax == 0f) {
        continue;
      }
      float inv = 127f / amax;
      if (Float.isInfinite(inv)) {
        for (int i = start; i < start + cols; i++) {
          q[i] = (byte) clamp127((int) Math.rint(x[i] / amax * 127f));
        }
      } else {
        for (int i = start; i < start + cols; i++) {
          q[i] = (byte) clamp127((int) Math.rint(x[i] * inv));
        }
      }
    }
    return new Int8Quantized(q, scales, rows, cols);
  }

  private static int clamp127(int v) {
    return v > 127 ? 127 : (v < -127 ? -127 : v);
  }

  /** Restores int8 values: {@code out[r*cols + c] = q[r*cols + c] * scales[r]}. */
  public static void dequantizeInt8(byte[] q, float[] scales, int cols, float[] out, int outOffset) {
    if ((long) scales.length * cols != q.length) {
      throw new IllegalArgumentException(
          q.length + " int8 values do not match " + scales.length + " scales of rows of " + cols);
    }
    for (int r = 0; r < scales.length; r++) {
      float s = scales[r];
      int base = r * cols;
      int o = outOffset + base;
      for (int c = 0; c < cols; c++) {
        out[o + c] = q[base + c] * s;
      }
    }
  }

  /** Restores an {@link Int8Quantized} to a new array. */
  public static float[] dequantize(Int8Quantized q) {
    float[] out = new float[q.values().length];
    dequantizeInt8(q.values(), q.scales(), q.cols(), out, 0);
    return out;
  }

  /** The int8 error bound for a row whose absmax is {@code absmax} (see class doc). */
  public static float int8ErrorBound(float absmax) {
    return absmax / 254f + absmax * 0x1p-20f + 128 * Float.MIN_VALUE;
  }

  // ---------------------------------------------------------------- 4-bit blockwise

  /** NF4 with the default block size 64. */
  public static FourBitQuantized quantizeNf4(float[] x) {
    return quantize4Bit(FourBitCode.NF4, x, DEFAULT_BLOCK_SIZE);
  }

  /**
   * Blockwise 4-bit quantization, bitsandbytes-style: {@code x} is cut into blocks of
   * {@code blockSize} (the last may be shorter and gets its own absmax); each value becomes the
   * index of the code nearest to {@code x / absmax}; two indices per byte, the first element in
   * the HIGH nibble; an odd count leaves the last low nibble 0.
   *
   * @param blockSize an even number of values per block
   */
  public static FourBitQuantized quantize4Bit(FourBitCode code, float[] x, int blockSize) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(x, "x");
    if (blockSize < 2 || (blockSize & 1) != 0) {
      throw new IllegalArgumentException("4-bit block size must be even and at least 2, got " + blockSize);
    }
    int n = x.length;
    int blocks = (int) (((long) n + blockSize - 1) / blockSize);
    byte[] packed = new byte[(n + 1) >>> 1];
    float[] absmax = new float[blocks];
    for (int b = 0; b < blocks; b++) {
      int start = b * blockSize;
      int end = Math.min(n, start + blockSize);
      float amax = absmax(x, start, end, "block " + b);
      absmax[b] = amax;
      float inv = amax == 0f ? 0f : 1f / amax;
      boolean divide = Float.isInfinite(inv);
      int i = start;
      for (; i + 1 < end; i += 2) {
        float v0 = divide ? x[i] / amax : x[i] * inv;
        float v1 = divide ? x[i + 1] / amax : x[i + 1] * inv;
        packed[i >>> 1] = (byte) ((code.nearest(v0) << 4) | code.nearest(v1));
      }
      if (i < end) {
        float v0 = divide ? x[i] / amax : x[i] * inv;
        packed[i >>> 1] = (byte) (code.nearest(v0) << 4);
      }
    }
    return new FourBitQuantized(code, packed, absmax, n, blockSize);
  }

  /**
   * Restores {@code n} blockwise 4-bit values: {@code out[outOffset + i] = code[index(i)] * absmax[i / blockSize]}.
   * This is the decode hot path: one byte load, two table loads and two multiplies per pair.
   */
  public static void dequantize4Bit(FourBitCode code, byte[] packed, float[] absmax, int n, int blockSize,
      float[] out, int outOffset) {
    int blocks = (int) (((long) n + blockSize - 1) / blockSize);
    if (blockSize < 2 || (blockSize & 1) != 0 || packed.length != (n + 1) >>> 1 || absmax.length != blocks) {
      throw new IllegalArgumentException("inconsistent 4-bit data: " + n + " values, block size " + blockSize + ", "
          + packed.length + " packed bytes, " + absmax.length + " scales");
    }
    final float[] t = code.table();
    for (int b = 0; b < blocks; b++) {
      final float a = absmax[b];
      final int start = b * blockSize;
      final int end = Math.min(n, start + blockSize);
      final int pairsEnd = start + ((end - start) & ~1);
      int o = outOffset + start;
      for (int p = start >>> 1, pe = pairsEnd >>> 1; p < pe; p++, o += 2) {
        int v = packed[p] & 0xFF;
        out[o] = t[v >>> 4] * a;
        out[o + 1] = t[v & 0x0F] * a;
      }
      if (pairsEnd < end) {
        out[o] = t[(packed[pairsEnd >>> 1] & 0xFF) >>> 4] * a;
      }
    }
  }

  /** Restores a {@link FourBitQuantized} to a new array. */
  public static float[] dequantize(FourBitQuantized q) {
    float[] out = new float[q.count()];
    dequantize4Bit(q.code(), q.packed(), q.absmax(), q.count(), q.blockSize(), out, 0);
    return out;
  }

  // ---------------------------------------------------------------- double quantization

  /**
   * Quantizes 4-bit block scales (QLoRA's double quantization, simplified): {@code offset} is the
   * mean of all scales (summed in double, in order); {@code absmax - offset} is quantized in
   * groups of {@value #NESTED_BLOCK_SIZE} to signed linear 8-bit, {@code round(c * 127 / m)} with
   * {@code m} the group's largest {@code |c|}.
   *
   * <p>bitsandbytes uses its 8-bit "dynamic" float map here, which is finer near zero; the linear
   * code is simpler and has a uniform, easily stated error of at most {@code m/254} per scale
   * (see {@link NestedScales#errorBound}). The storage cost is the same: 8 bits per block plus
   * 32 bits per group of 256.
   */
  public static NestedScales quantizeScales(float[] absmax) {
    int n = absmax.length;
    double sum = 0;
    for (float a : absmax) {
      if (!Float.isFinite(a)) {
        throw new IllegalArgumentException("block scale " + a + " is not finite");
      }
      sum += a;
    }
    float offset = n == 0 ? 0f : (float) (sum / n);
    int groups = (n + NESTED_BLOCK_SIZE - 1) / NESTED_BLOCK_SIZE;
    byte[] codes = new byte[n];
    float[] nested = new float[groups];
    for (int g = 0; g < groups; g++) {
      int start = g * NESTED_BLOCK_SIZE;
      int end = Math.min(n, start + NESTED_BLOCK_SIZE);
      float m = 0f;
      for (int i = start; i < end; i++) {
        float c = Math.abs(absmax[i] - offset);
        m = c > m ? c : m;
      }
      nested[g] = m;
      if (m == 0f) {
        continue;
      }
      float inv = 127f / m;
      boolean divide = Float.isInfinite(inv);
      for (int i = start; i < end; i++) {
        float c = absmax[i] - offset;
        codes[i] = (byte) clamp127((int) Math.rint(divide ? c / m * 127f : c * inv));
      }
    }
    return new NestedScales(codes, nested, offset);
  }

  /** Restores block scales: {@code absmax[i] = codes[i] * (nested[i/256] / 127) + offset}. */
  public static float[] dequantizeScales(NestedScales s) {
    byte[] codes = s.codes();
    float[] nested = s.nestedAbsmax();
    float[] out = new float[codes.length];
    for (int g = 0; g < nested.length; g++) {
      float step = nested[g] / 127f;
      int start = g * NESTED_BLOCK_SIZE;
      int end = Math.min(codes.length, start + NESTED_BLOCK_SIZE);
      for (int i = start; i < end; i++) {
        out[i] = codes[i] * step + s.offset();
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /** Largest |x| over [start, end); refuses NaN and infinity, naming where they are. */
  static float absmax(float[] x, int start, int end, String where) {
    float amax = 0f;
    boolean nan = false;
    for (int i = start; i < end; i++) {
      float a = Math.abs(x[i]);
      nan |= a != a;
      amax = a > amax ? a : amax;
    }
    if (nan || amax == Float.POSITIVE_INFINITY) {
      for (int i = start; i < end; i++) {
        if (!Float.isFinite(x[i])) {
          throw new IllegalArgumentException("cannot quantize non-finite value " + x[i] + " at index " + i + " (" + where + ")");
        }
      }
    }
    return amax;
  }
}
