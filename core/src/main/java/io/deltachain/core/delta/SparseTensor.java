package io.deltachain.core.delta;

import io.deltachain.core.tensor.TensorInfo;
import java.util.Arrays;
import java.util.Objects;

/**
 * A sparse update of one tensor: its dense shape and the kept entries of its row-major flattening.
 *
 * @param shape the dense shape
 * @param vector kept entries; its length is the shape's element count
 */
public record SparseTensor(long[] shape, SparseVector vector) {
  /** Checks the vector covers exactly the shape. */
  public SparseTensor {
    Objects.requireNonNull(vector, "vector");
    shape = Objects.requireNonNull(shape, "shape").clone();
    long n = TensorInfo.numel(shape, "sparse tensor");
    if (n != vector.length()) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " has " + n + " elements, the sparse vector is over " + vector.length());
    }
  }

  /** A copy of the dense shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseTensor s && Arrays.equals(shape, s.shape) && vector.equals(s.vector);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + vector.hashCode();
  }
}
