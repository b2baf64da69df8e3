package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * An NF4 weight as bitsandbytes stores it (two 4-bit codebook indices per byte, first element in
 * the high nibble, one absmax per block), kept packed on the device and dequantised inside the
 * forward pass. The quantisation itself (codes, absmax, codebook) comes from the core library;
 * this class only owns the device-side expansion, which needs DJL ops (no bitwise ops exist in
 * DJL, so the nibbles are split with floor division).
 */
public final class Nf4Weight implements QuantizedWeight {
  private final Shape shape;
  private final int blockSize;
  private final NDArray packed;
  private final NDArray absmax;
  private final NDArray codebook;
  private final long numel;

  /**
   * Uploads a quantised tensor.
   *
   * @param manager the model's manager
   * @param shape logical shape
   * @param packedCodes packed 4-bit indices, {@code ceil(n/2)} bytes
   * @param absmax one scale per block of {@code blockSize} elements
   * @param codebook the 16 NF4 values
   * @param blockSize elements per absmax block
   */
  public Nf4Weight(NDManager manager, Shape shape, byte[] packedCodes, float[] absmax, float[] codebook, int blockSize) {
    long n = shape.size();
    if (packedCodes.length != (n + 1) / 2) {
      throw new IllegalArgumentException("NF4 tensor of shape " + shape + " needs " + (n + 1) / 2
          + " packed bytes, got " + packedCodes.length);
    }
    if (absmax.length != (n + blockSize - 1) / blockSize) {
      throw new IllegalArgumentException("NF4 tensor of shape " + shape + " with block size " + blockSize
          + " needs " + (n + blockSize - 1) / blockSize + " absmax values, got " + absmax.length);
    }
    if (codebook.length != 16) {
      throw new IllegalArgumentException("NF4 codebook must have 16 values, got " + codebook.length);
    }
    this.shape = shape;
    this.numel = n;
    this.blockSize = blockSize;
    this.packed = manager.create(java.nio.ByteBuffer.wrap(packedCodes), new Shape(packedCodes.length), DataType.UINT8);
    this.absmax = manager.create(absmax);
    this.codebook = manager.create(codebook);
  }

  @Override
  public Shape shape() {
    return shape;
  }

  @Override
  public String format() {
    return "nf4";
  }

  @Override
  public long storedBytes() {
    return packed.size() + absmax.size() * 4L;
  }

  /** @return a copy of the packed codes as stored on the device */
  public byte[] packedCodes() {
    return packed.toByteArray();
  }

  @Override
  public NDArray dequantize(NDManager target, DataType type) {
    NDArray p = packed.toType(DataType.FLOAT32, false);
    p.attach(target);
    NDArray hi = Scalars.div(p, 16).floor();
    NDArray lo = p.sub(Scalars.mul(hi, 16));
    NDArray idx = NDArrays.stack(new NDList(hi, lo), 1).reshape(-1).toType(DataType.INT64, false);
    if (idx.size() != numel) {
      idx = idx.get("0:{}", numel);
    }
    NDArray values = codebook.take(target, idx);
    NDArray scales = absmax.repeat(0, blockSize);
    scales.attach(target);
    if (scales.size() != numel) {
      scales = scales.get("0:{}", numel);
    }
    NDArray w = values.mul(scales).reshape(shape);
    return type == DataType.FLOAT32 ? w : w.toType(type, false);
  }

  @Override
  public void close() {
    packed.close();
    absmax.close();
    codebook.close();
  }
}
