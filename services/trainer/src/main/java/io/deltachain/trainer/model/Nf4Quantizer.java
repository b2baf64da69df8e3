package io.deltachain.trainer.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.deltachain.core.delta.FourBitCode;
import io.deltachain.core.delta.FourBitQuantized;
import io.deltachain.core.delta.Quantization;

/**
 * The QLoRA base quantiser: core's bitsandbytes-compatible NF4 quantisation (block size 64),
 * uploaded as an {@link Nf4Weight}. Absmax values stay fp32 on the device.
 */
public final class Nf4Quantizer implements CausalLm.Quantizer {
  private final int blockSize;

  /** NF4 with the default block size of 64. */
  public Nf4Quantizer() {
    this(Quantization.DEFAULT_BLOCK_SIZE);
  }

  /**
   * NF4 with a chosen block size.
   *
   * @param blockSize values per absmax block
   */
  public Nf4Quantizer(int blockSize) {
    this.blockSize = blockSize;
  }

  @Override
  public QuantizedWeight quantize(NDManager manager, float[] values, Shape shape) {
    FourBitQuantized q = Quantization.quantize4Bit(FourBitCode.NF4, values, blockSize);
    return new Nf4Weight(manager, shape, q.packed(), q.absmax(), FourBitCode.NF4.codeValues(), q.blockSize());
  }
}
