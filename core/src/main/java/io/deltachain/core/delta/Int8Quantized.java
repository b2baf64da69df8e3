package io.deltachain.core.delta;

/**
 * int8 values with one float scale per row ({@link Quantization#quantizeInt8}).
 *
 * @param values {@code rows * cols} signed values in [-127, 127], row-major
 * @param scales per-row scale {@code absmax / 127}
 * @param rows number of rows
 * @param cols values per row
 */
public record Int8Quantized(byte[] values, float[] scales, int rows, int cols) {
  /** Checks the sizes agree. */
  public Int8Quantized {
    if (scales.length != rows || (long) rows * cols != values.length) {
      throw new IllegalArgumentException(
          values.length + " int8 values and " + scales.length + " scales do not form " + rows + " rows of " + cols);
    }
  }
}
