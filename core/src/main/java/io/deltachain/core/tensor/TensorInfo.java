package io.deltachain.core.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a safetensors header: a tensor's name, element type, shape (row-major) and the
 * byte range {@code [dataBegin, dataEnd)} of its data, relative to the start of the data buffer
 * (the byte after the header).
 */
public final class TensorInfo {
  private final String name;
  private final DType dtype;
  private final long[] shape;
  private final long dataBegin;
  private final long dataEnd;
  private final long numel;

  /**
   * Creates an entry and checks it is self-consistent (non-negative dimensions, an element count
   * that fits a long, and a byte range whose length is exactly {@code numel * dtype.byteSize()}).
   *
   * @throws IllegalArgumentException naming the inconsistency
   */
  public TensorInfo(String name, DType dtype, long[] shape, long dataBegin, long dataEnd) {
    this.name = Objects.requireNonNull(name, "name");
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = Objects.requireNonNull(shape, "shape").clone();
    this.numel = numel(this.shape, name);
    if (dataBegin < 0 || dataEnd < dataBegin) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': data_offsets [" + dataBegin + ", " + dataEnd + "] are not a valid range");
    }
    long expected;
    try {
      expected = Math.multiplyExact(numel, (long) dtype.byteSize());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("tensor '" + name + "': byte size overflows a long", e);
    }
    if (dataEnd - dataBegin != expected) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': data_offsets [" + dataBegin + ", " + dataEnd + "] span "
              + (dataEnd - dataBegin) + " bytes but shape " + Arrays.toString(this.shape) + " of "
              + dtype + " needs " + expected + " bytes");
    }
    this.dataBegin = dataBegin;
    this.dataEnd = dataEnd;
  }

  /**
   * Number of elements of a shape (1 for a scalar, shape {@code []}).
   *
   * @throws IllegalArgumentException for a negative dimension or a count that overflows a long
   */
  public static long numel(long[] shape, String what) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(what + ": negative dimension in shape " + Arrays.toString(shape));
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(what + ": element count of shape " + Arrays.toString(shape) + " overflows", e);
      }
    }
    return n;
  }

  /** Tensor name (header key). */
  public String name() {
    return name;
  }

  /** Element type. */
  public DType dtype() {
    return dtype;
  }

  /** Shape, row-major; a copy. */
  public long[] shape() {
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code i}. */
  public long dim(int i) {
    return shape[i];
  }

  /** Number of elements. */
  public long numel() {
    return numel;
  }

  /** First byte of the data, relative to the data buffer. */
  public long dataBegin() {
    return dataBegin;
  }

  /** One past the last byte of the data, relative to the data buffer. */
  public long dataEnd() {
    return dataEnd;
  }

  /** Number of data bytes. */
  public long byteLength() {
    return dataEnd - dataBegin;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && dataBegin == t.dataBegin
        && dataEnd == t.dataEnd;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape), dataBegin, dataEnd);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " @[" + dataBegin + ", " + dataEnd + ")";
  }
}
