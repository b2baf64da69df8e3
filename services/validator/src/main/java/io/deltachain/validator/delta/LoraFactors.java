package io.deltachain.validator.delta;

import io.deltachain.core.delta.Lora;

/**
 * One LoRA adapter pair for one weight matrix, PEFT convention: A is {@code r x in}
 * ({@code lora_A.weight}), B is {@code out x r} ({@code lora_B.weight}), and the merged weight is
 * {@code W + (alpha / r) * B * A}.
 *
 * @param loraA the down projection, shape [r, in]
 * @param loraB the up projection, shape [out, r]
 * @param alpha PEFT's {@code lora_alpha}
 */
public record LoraFactors(DenseTensor loraA, DenseTensor loraB, float alpha) {

  /** Checks that A and B agree on the rank and that alpha is a positive finite number. */
  public LoraFactors {
    int[] a = loraA.shape();
    int[] b = loraB.shape();
    if (a.length != 2 || b.length != 2) {
      throw new IllegalArgumentException("LoRA factors must be matrices, got A" + loraA + " and B" + loraB);
    }
    if (a[0] != b[1]) {
      throw new IllegalArgumentException("LoRA rank mismatch: A has " + a[0] + " rows but B has " + b[1] + " columns");
    }
    if (!(alpha > 0) || Float.isInfinite(alpha)) {
      throw new IllegalArgumentException("lora_alpha must be a positive finite number, got " + alpha);
    }
  }

  /** The rank r. */
  public int rank() {
    return loraA.shape()[0];
  }

  /** Shape of the dense delta: [out, in]. */
  public int[] denseShape() {
    return new int[] {loraB.shape()[0], loraA.shape()[1]};
  }

  /**
   * The dense delta {@code (alpha / r) * B * A}, computed by core's {@link Lora#toDense} (sum over
   * the rank in increasing order in float, then the scale): one definition for the whole
   * project, bit-identical on every machine, so trainers, evaluators and validators all map the
   * same factors to the same dense delta.
   */
  public DenseTensor toDense() {
    int r = rank();
    int out = loraB.shape()[0];
    int in = loraA.shape()[1];
    return new DenseTensor(new int[] {out, in}, Lora.toDense(loraA.values(), loraB.values(), alpha, r, in, out));
  }
}
