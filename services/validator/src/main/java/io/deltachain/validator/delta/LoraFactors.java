package io.deltachain.validator.delta;

/**
 * One LoRA adapter pair for one weight matrix, PEFT convention: A is {@code r x in}
 * ({@code lora_A.weight}), B is {@code out x r} ({@code lora_B.weight}), and the merged weight is
 * {@code W + (alpha / r) * B * A}.
 *
 * @param loraA the down projection, shape [r, in]
 * @param loraB the up projection, shape [out, r]
 * @param alpha PEFT's {@code lora_alpha}
 */
public record LoraFactors(DenseTensor loraA, DenseTensor loraB, double alpha) {

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
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
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
   * The dense delta {@code (alpha / r) * B * A}. Each element is the sum over the rank in
   * increasing order, accumulated in double, multiplied by the scale, then rounded to float
   * once: a fixed order, so every validator maps the same factors to the same bits.
   */
  public DenseTensor toDense() {
    int r = rank();
    int out = loraB.shape()[0];
    int in = loraA.shape()[1];
    float[] av = loraA.values();
    float[] bv = loraB.values();
    double scale = alpha / r;
    float[] dense = new float[Math.multiplyExact(out, in)];
    double[] row = new double[in];
    for (int o = 0; o < out; o++) {
      java.util.Arrays.fill(row, 0.0);
      // r-outer, column-inner keeps the sum order per element (k = 0..r-1) while streaming rows of A
      for (int k = 0; k < r; k++) {
        double bk = bv[o * r + k];
        int aOff = k * in;
        for (int i = 0; i < in; i++) {
          row[i] += bk * av[aOff + i];
        }
      }
      int dOff = o * in;
      for (int i = 0; i < in; i++) {
        dense[dOff + i] = (float) (row[i] * scale);
      }
    }
    return new DenseTensor(new int[] {out, in}, dense);
  }
}
