package io.deltachain.core.profile;

/**
 * How a tensor's numbers are stored. The floating types also serve as compute precisions;
 * INT8 and NF4 store frozen base weights only (LLM.int8 and QLoRA, as bitsandbytes does).
 */
public enum Precision {
  /** IEEE float32: 4 bytes. */
  FP32(32, "float32"),
  /** bfloat16: 2 bytes. */
  BF16(16, "bfloat16"),
  /** IEEE float16: 2 bytes. */
  FP16(16, "float16"),
  /** int8 with one fp32 scale per output row (bitsandbytes {@code Int8Params}). */
  INT8(8, "int8"),
  /**
   * 4-bit NormalFloat, blocks of {@value #NF4_BLOCK_SIZE} with an absmax each: fp32 absmax
   * (4/64 byte per parameter), or with double quantization an 8-bit absmax plus one fp32
   * per {@value #NF4_NESTED_BLOCK_SIZE} blocks (about 0.127 bit per parameter).
   */
  NF4(4, "nf4");

  /** bitsandbytes' default NF4 block size. */
  public static final int NF4_BLOCK_SIZE = 64;
  /** bitsandbytes' block size for quantizing the NF4 absmax values (double quantization). */
  public static final int NF4_NESTED_BLOCK_SIZE = 256;
  /** The NF4 code table: 16 fp32 values. */
  private static final int NF4_QUANT_MAP_BYTES = 16 * 4;
  /** The 8-bit dynamic map for double quantization: 256 fp32 values. */
  private static final int NF4_NESTED_QUANT_MAP_BYTES = 256 * 4;

  private final int bits;
  private final String label;

  Precision(int bits, String label) {
    this.bits = bits;
    this.label = label;
  }

  /** Bits per element, without quantization overhead. */
  public int bits() {
    return bits;
  }

  /** The name used in configs and reports ({@code bfloat16}, {@code nf4}, ...). */
  public String label() {
    return label;
  }

  /** Whether this is a quantized storage format (INT8, NF4) rather than a float type. */
  public boolean isQuantized() {
    return this == INT8 || this == NF4;
  }

  /**
   * Bytes per element of a float type.
   *
   * @throws IllegalStateException for a quantized format (use {@link #storageBytes})
   */
  public int bytesPerElement() {
    if (isQuantized()) {
      throw new IllegalStateException(label + " is a quantized format; use storageBytes(tensor)");
    }
    return bits / 8;
  }

  /**
   * Nominal bytes per parameter including quantization overhead on a large tensor:
   * 4, 2, 2, 1, and for NF4 0.5 + 4/64 (or 0.5 + 1/64 + 4/(64*256) with double quantization).
   */
  public double nominalBytesPerParameter(boolean doubleQuant) {
    return switch (this) {
      case NF4 -> doubleQuant
          ? 0.5 + 1.0 / NF4_BLOCK_SIZE + 4.0 / ((double) NF4_BLOCK_SIZE * NF4_NESTED_BLOCK_SIZE)
          : 0.5 + 4.0 / NF4_BLOCK_SIZE;
      default -> bits / 8.0;
    };
  }

  /**
   * The exact bytes a tensor takes in this format, including the quantization state
   * bitsandbytes stores with it (absmax per block, code tables, per-row scales).
   *
   * @param doubleQuant NF4 only: whether the absmax values are themselves quantized
   */
  public long storageBytes(TensorSpec tensor, boolean doubleQuant) {
    long n = tensor.elements();
    return switch (this) {
      case FP32, BF16, FP16 -> Math.multiplyExact(n, (long) bytesPerElement());
      case INT8 -> Math.addExact(n, Math.multiplyExact(4L, tensor.rows()));
      case NF4 -> {
        long packed = (n + 1) / 2;
        long blocks = ceilDiv(n, NF4_BLOCK_SIZE);
        long state = doubleQuant
            ? blocks + 4 * ceilDiv(blocks, NF4_NESTED_BLOCK_SIZE) + NF4_NESTED_QUANT_MAP_BYTES
            : 4 * blocks;
        yield packed + state + NF4_QUANT_MAP_BYTES;
      }
    };
  }

  /** The float precision for a {@code torch_dtype} string. */
  public static Precision ofTorchDtype(String torchDtype) {
    for (Precision p : values()) {
      if (!p.isQuantized() && p.label.equals(torchDtype)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "torch_dtype '" + torchDtype + "' is not one of float32, bfloat16, float16");
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
