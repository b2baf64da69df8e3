package io.deltachain.core.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float tensor in memory: a row-major shape and its values. The array is shared, not
 * copied (tensors here are large); treat it as owned by whoever holds the record.
 *
 * @param shape row-major dimensions ({@code []} for a scalar)
 * @param data the values, {@code numel(shape)} of them
 */
public record FloatTensor(long[] shape, float[] data) {
  /** Checks that the shape describes exactly {@code data.length} elements. */
  public FloatTensor {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    shape = shape.clone();
    long n = TensorInfo.numel(shape, "tensor");
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " has " + n + " elements but " + data.length + " values were given");
    }
  }

  /** A tensor of the given shape (ints for convenience). */
  public static FloatTensor of(float[] data, long... shape) {
    return new FloatTensor(shape, data);
  }

  /** A zero tensor. */
  public static FloatTensor zeros(long... shape) {
    long n = TensorInfo.numel(shape, "tensor");
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for one float[]");
    }
    return new FloatTensor(shape, new float[(int) n]);
  }

  /** Returns a copy of the shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements. */
  public int numel() {
    return data.length;
  }

  /** Size of dimension {@code i}. */
  public long dim(int i) {
    return shape[i];
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Whether this has the given shape. */
  public boolean hasShape(long... dims) {
    return Arrays.equals(shape, dims);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
