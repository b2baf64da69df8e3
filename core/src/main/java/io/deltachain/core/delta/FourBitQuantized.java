package io.deltachain.core.delta;

/**
 * Blockwise 4-bit values ({@link Quantization#quantize4Bit}).
 *
 * @param code the codebook (NF4 or INT4)
 * @param packed two code indices per byte, the first element in the high nibble
 * @param absmax one scale per block
 * @param count number of values
 * @param blockSize values per block (the last block may be shorter)
 */
public record FourBitQuantized(FourBitCode code, byte[] packed, float[] absmax, int count, int blockSize) {
  /** Checks the sizes agree. */
  public FourBitQuantized {
    long blocks = ((long) count + blockSize - 1) / blockSize;
    if (packed.length != (count + 1) >>> 1 || absmax.length != blocks) {
      throw new IllegalArgumentException("inconsistent 4-bit data: " + count + " values, block size " + blockSize
          + ", " + packed.length + " bytes, " + absmax.length + " scales");
    }
  }

  /** Index of the code for value {@code i}. */
  public int index(int i) {
    int b = packed[i >>> 1] & 0xFF;
    return (i & 1) == 0 ? b >>> 4 : b & 0x0F;
  }
}
