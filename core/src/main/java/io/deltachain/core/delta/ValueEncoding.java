package io.deltachain.core.delta;

import java.util.Locale;

/** How the float values of a delta's tensors are stored. */
public enum ValueEncoding {
  /** IEEE float32, exact. */
  FP32,
  /** IEEE float16, round to nearest even. */
  FP16,
  /** bfloat16, round to nearest even. */
  BF16,
  /** Signed 8-bit with one float32 absmax scale per row (see {@link Quantization#quantizeInt8}). */
  INT8,
  /** Symmetric 4-bit levels -7..7 with a blockwise absmax (see {@link FourBitCode#INT4}). */
  INT4,
  /** bitsandbytes NF4 with a blockwise absmax (see {@link FourBitCode#NF4}). */
  NF4;

  /** The name used in metadata ({@code fp32}, {@code nf4}, ...). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this encoding is blockwise 4-bit (and so has a block size and optional double quantization). */
  public boolean isFourBit() {
    return this == INT4 || this == NF4;
  }

  /** Parses a wire name; {@code null} if unknown. */
  public static ValueEncoding fromWireName(String s) {
    for (ValueEncoding e : values()) {
      if (e.wireName().equals(s)) {
        return e;
      }
    }
    return null;
  }
}
