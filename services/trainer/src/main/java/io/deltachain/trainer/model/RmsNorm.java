package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * RMSNorm as in Llama and Qwen3: {@code w * (x * rsqrt(mean(x^2) + eps))} with the plain (not
 * 1+w) weight. In fp32 this is exactly HF's computation. In fp16 the input cannot be upcast inside
 * the autograd graph (DJL's dtype cast is not differentiable), so x is scaled by {@code 1/sqrt(d)}
 * before squaring, which keeps the sum of squares in range unless the RMS itself exceeds 256.
 */
public final class RmsNorm extends ContextBlock {
  private final Parameter weight;
  private final float eps;

  RmsNorm(NDManager manager, int dim, double eps) {
    this.eps = (float) eps;
    this.weight = addParameter(Parameter.builder()
        .setName("weight")
        .setType(Parameter.Type.GAMMA)
        .optArray(manager.ones(new Shape(dim), DataType.FLOAT32))
        .build());
  }

  /** @return the scale parameter */
  public Parameter weight() {
    return weight;
  }

  @Override
  NDArray apply(ForwardContext ctx, NDArray x) {
    if (x.getDataType() == DataType.FLOAT32) {
      NDArray meanSquare = x.square().mean(new int[] {-1}, true);
      return x.mul(Scalars.pow(Scalars.add(meanSquare, eps), -0.5)).mul(ctx.value(weight));
    }
    // fp16: x / sqrt(ms) rather than x * ms^-0.5, whose backward (ms^-1.5) overflows fp16
    // for small activations.
    float scale = (float) (1.0 / Math.sqrt(x.getShape().get(x.getShape().dimension() - 1)));
    NDArray meanSquare = Scalars.mul(x, scale).square().sum(new int[] {-1}, true);
    return x.div(Scalars.add(meanSquare, eps).sqrt()).mul(ctx.value(weight));
  }
}
