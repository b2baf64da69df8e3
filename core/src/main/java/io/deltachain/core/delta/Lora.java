package io.deltachain.core.delta;

import io.deltachain.core.tensor.FloatTensor;
import java.util.Arrays;

/** LoRA factors to a dense update, exactly as PEFT merges them: {@code ΔW = (alpha / r) · B·A}. */
public final class Lora {
  private Lora() {}

  /**
   * {@code ΔW[o][i] = scale * Σ_{j=0}^{r-1} B[o][j] * A[j][i]}, with {@code scale = alpha / r} in
   * float; the sum runs over {@code j} in increasing order in float, then is multiplied by the
   * scale, so the result is bit-identical on every machine.
   *
   * @param a {@code lora_A}, shape {@code [r, in]}, row-major
   * @param b {@code lora_B}, shape {@code [out, r]}, row-major
   * @return {@code [out, in]}, row-major
   */
  public static float[] toDense(float[] a, float[] b, float alpha, int r, int in, int out) {
    if (r <= 0 || in < 0 || out < 0) {
      throw new IllegalArgumentException("invalid LoRA sizes r=" + r + ", in=" + in + ", out=" + out);
    }
    if ((long) r * in != a.length || (long) out * r != b.length) {
      throw new IllegalArgumentException("lora_A has " + a.length + " values (want r*in = " + (long) r * in
          + "), lora_B has " + b.length + " (want out*r = " + (long) out * r + ")");
    }
    if ((long) out * in > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("dense update [" + out + ", " + in + "] is too large for one array");
    }
    float scale = alpha / r;
    float[] w = new float[out * in];
    for (int o = 0; o < out; o++) {
      int row = o * in;
      for (int j = 0; j < r; j++) {
        float bj = b[o * r + j];
        int arow = j * in;
        for (int i = 0; i < in; i++) {
          w[row + i] += bj * a[arow + i];
        }
      }
      for (int i = 0; i < in; i++) {
        w[row + i] *= scale;
      }
    }
    return w;
  }

  /** As {@link #toDense(float[], float[], float, int, int, int)}, with shapes taken from the tensors. */
  public static FloatTensor toDense(FloatTensor a, FloatTensor b, float alpha) {
    if (a.rank() != 2 || b.rank() != 2 || a.dim(0) != b.dim(1)) {
      throw new IllegalArgumentException("LoRA factors must be A [r, in] and B [out, r], got A "
          + Arrays.toString(a.shape()) + " and B " + Arrays.toString(b.shape()));
    }
    int r = (int) a.dim(0);
    int in = (int) a.dim(1);
    int out = (int) b.dim(0);
    return new FloatTensor(new long[] {out, in}, toDense(a.data(), b.data(), alpha, r, in, out));
  }
}
