package io.deltachain.core.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * A tensor queued for writing: its header entry plus a way to stream its bytes. The data is not
 * copied when queued; the caller must not change the arrays or buffers it passed until written.
 */
abstract class PendingTensor {
  final String name;
  final DType dtype;
  final long[] shape;
  final long byteLength;

  PendingTensor(String name, DType dtype, long[] shape) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a tensor name must be a non-empty string");
    }
    if (name.equals(SafeTensorsReader.METADATA_KEY)) {
      throw new IllegalArgumentException("'" + SafeTensorsReader.METADATA_KEY + "' is reserved for metadata");
    }
    if (dtype == null || shape == null) {
      throw new IllegalArgumentException("tensor '" + name + "': dtype and shape are required");
    }
    this.name = name;
    this.dtype = dtype;
    this.shape = shape.clone();
    long numel = TensorInfo.numel(this.shape, "tensor '" + name + "'");
    try {
      this.byteLength = Math.multiplyExact(numel, (long) dtype.byteSize());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("tensor '" + name + "': byte size overflows", e);
    }
  }

  long numel() {
    return byteLength / dtype.byteSize();
  }

  void requireBytes(long have) {
    if (have != byteLength) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': shape " + Arrays.toString(shape) + " of " + dtype + " needs " + byteLength
              + " bytes, got " + have);
    }
  }

  /** Writes exactly {@link #byteLength} bytes at the channel's position. */
  abstract void writeTo(FileChannel out, ByteBuffer scratch) throws IOException;

  static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }

  /** Raw little-endian bytes from a buffer's remaining range. */
  static final class Bytes extends PendingTensor {
    private final ByteBuffer data;

    Bytes(String name, DType dtype, long[] shape, ByteBuffer data) {
      super(name, dtype, shape);
      this.data = data.duplicate();
      requireBytes(this.data.remaining());
    }

    @Override
    void writeTo(FileChannel out, ByteBuffer scratch) throws IOException {
      writeFully(out, data.duplicate());
    }
  }

  /** Floats narrowed or widened to a floating-point dtype while streaming. */
  static final class Floats extends PendingTensor {
    private final float[] values;

    Floats(String name, DType dtype, long[] shape, float[] values) {
      super(name, dtype, shape);
      if (!dtype.isFloatingPoint()) {
        throw new IllegalArgumentException("tensor '" + name + "': floats can only be written as F64, F32, F16 or BF16, not " + dtype);
      }
      if (values.length != numel()) {
        throw new IllegalArgumentException(
            "tensor '" + name + "': shape " + Arrays.toString(shape) + " has " + numel() + " elements, got "
                + values.length + " floats");
      }
      this.values = values;
    }

    @Override
    void writeTo(FileChannel out, ByteBuffer scratch) throws IOException {
      scratch.clear().order(ByteOrder.LITTLE_ENDIAN);
      int per = scratch.capacity() / dtype.byteSize();
      for (int off = 0; off < values.length; off += per) {
        int n = Math.min(per, values.length - off);
        scratch.clear();
        switch (dtype) {
          case F32 -> {
            FloatBuffer fb = scratch.asFloatBuffer();
            fb.put(values, off, n);
          }
          case F64 -> {
            for (int i = 0; i < n; i++) {
              scratch.putDouble(i << 3, values[off + i]);
            }
          }
          case F16 -> {
            for (int i = 0; i < n; i++) {
              scratch.putShort(i << 1, HalfFloats.floatToF16(values[off + i]));
            }
          }
          case BF16 -> {
            for (int i = 0; i < n; i++) {
              scratch.putShort(i << 1, HalfFloats.floatToBf16(values[off + i]));
            }
          }
          default -> throw new IllegalStateException("unreachable: " + dtype);
        }
        scratch.position(0).limit(n * dtype.byteSize());
        writeFully(out, scratch);
      }
    }
  }

  /** A tensor copied from another safetensors file without passing through the heap. */
  static final class FromReader extends PendingTensor {
    private final SafeTensorsReader reader;
    private final TensorInfo info;

    FromReader(String name, SafeTensorsReader reader, TensorInfo info) {
      super(name, info.dtype(), info.shape());
      this.reader = reader;
      this.info = info;
    }

    @Override
    void writeTo(FileChannel out, ByteBuffer scratch) throws IOException {
      reader.transferTo(info, out);
    }
  }
}
