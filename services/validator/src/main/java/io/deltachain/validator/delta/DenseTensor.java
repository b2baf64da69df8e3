package io.deltachain.validator.delta;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order. The array is shared, not copied: callers that
 * hand one in give up the right to change it.
 *
 * @param shape dimensions, each positive
 * @param values row-major values; length is the product of the dimensions
 */
public record DenseTensor(int[] shape, float[] values) {

  /** Validates that the shape is non-empty, positive and matches the number of values. */
  public DenseTensor {
    if (shape == null || shape.length == 0) {
      throw new IllegalArgumentException("a tensor needs at least one dimension");
    }
    long numel = 1;
    for (int d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException("tensor dimensions must be positive, got " + Arrays.toString(shape));
      }
      numel *= d;
    }
    if (values == null || numel != values.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + numel
          + " values but " + (values == null ? "none" : values.length) + " were given");
    }
    shape = shape.clone();
  }

  /** A zero tensor of the given shape. */
  public static DenseTensor zeros(int... shape) {
    long numel = 1;
    for (int d : shape) {
      numel *= d;
    }
    if (numel > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large for one array");
    }
    return new DenseTensor(shape, new float[(int) numel]);
  }

  /** Number of elements. */
  public int numel() {
    return values.length;
  }

  /** A copy of the shape. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** Whether the other shape is the same as this one. */
  public boolean sameShape(int[] other) {
    return Arrays.equals(shape, other);
  }

  /** Euclidean norm, accumulated in double in index order. */
  public double l2Norm() {
    double sum = 0.0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum);
  }

  /** A deep copy. */
  public DenseTensor copy() {
    return new DenseTensor(shape, values.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DenseTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "DenseTensor" + Arrays.toString(shape);
  }
}
