package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

/**
 * A bias-free linear projection with a Hugging Face name ({@code model.layers.3.self_attn.q_proj}),
 * weight stored as {@code [out, in]}. The base weight is either a dense parameter or a frozen
 * {@link QuantizedWeight}; an optional LoRA adapter adds {@code scaling * B(A(dropout(x)))}.
 */
public final class Projection extends ContextBlock {
  private final String path;
  private final String module;
  private final int layer;
  private final int inFeatures;
  private final int outFeatures;
  private Parameter weight;
  private QuantizedWeight quantized;
  private Parameter loraA;
  private Parameter loraB;
  private float loraScaling;
  private float loraDropout;

  Projection(NDManager manager, String path, String module, int layer, int inFeatures, int outFeatures,
      double initStd, int seed) {
    this.path = path;
    this.module = module;
    this.layer = layer;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = addParameter(Parameter.builder()
        .setName("weight")
        .setType(Parameter.Type.WEIGHT)
        .optArray(SeededInit.normal(manager, seed, (float) initStd, new Shape(outFeatures, inFeatures)))
        .build());
  }

  /** @return the Hugging Face module path, without {@code .weight} */
  public String path() {
    return path;
  }

  /** @return the module name, such as {@code q_proj} */
  public String module() {
    return module;
  }

  /** @return the decoder layer index, or -1 outside the layers */
  public int layer() {
    return layer;
  }

  /** @return input width */
  public int inFeatures() {
    return inFeatures;
  }

  /** @return output width */
  public int outFeatures() {
    return outFeatures;
  }

  /** @return the dense base weight, or null when the base is quantised */
  public Parameter weight() {
    return weight;
  }

  /** @return the quantised base, or null when dense */
  public QuantizedWeight quantized() {
    return quantized;
  }

  /** @return LoRA A ({@code [r, in]}), or null without an adapter */
  public Parameter loraA() {
    return loraA;
  }

  /** @return LoRA B ({@code [out, r]}), or null without an adapter */
  public Parameter loraB() {
    return loraB;
  }

  /** @return alpha / r of the adapter, 0 without one */
  public float loraScaling() {
    return loraScaling;
  }

  void attachLora(NDManager manager, LoraConfig config, int seed) {
    if (loraA != null) {
      throw new IllegalStateException(path + " already has a LoRA adapter");
    }
    int r = config.rank();
    // PEFT's default init: A ~ kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)), B = 0,
    // so the adapter starts as an exact no-op.
    float bound = (float) (1.0 / Math.sqrt(inFeatures));
    loraA = addParameter(Parameter.builder()
        .setName("lora_A")
        .setType(Parameter.Type.WEIGHT)
        .optArray(SeededInit.uniform(manager, seed, -bound, bound, new Shape(r, inFeatures)))
        .build());
    loraB = addParameter(Parameter.builder()
        .setName("lora_B")
        .setType(Parameter.Type.WEIGHT)
        .optArray(manager.zeros(new Shape(outFeatures, r), DataType.FLOAT32))
        .build());
    loraScaling = (float) config.scaling();
    loraDropout = (float) config.dropout();
  }

  void replaceBaseWithQuantized(QuantizedWeight q) {
    if (weight == null) {
      throw new IllegalStateException(path + " is already quantised");
    }
    if (!q.shape().equals(weight.getArray().getShape())) {
      throw new IllegalArgumentException("quantised shape " + q.shape() + " != " + weight.getArray().getShape()
          + " for " + path);
    }
    parameters.remove(weight.getName());
    weight.close();
    weight = null;
    quantized = q;
  }

  @Override
  NDArray apply(ForwardContext ctx, NDArray x) {
    NDArray w = weight != null
        ? ctx.value(weight)
        : quantized.dequantize(ctx.manager(), ctx.computeType());
    NDArray y = Linear.linear(x, w).singletonOrThrow();
    if (loraA != null) {
      NDArray in = loraDropout > 0 && ctx.training()
          ? Dropout.dropout(x, loraDropout, true).singletonOrThrow()
          : x;
      NDArray down = Linear.linear(in, ctx.value(loraA)).singletonOrThrow();
      NDArray up = Linear.linear(down, ctx.value(loraB)).singletonOrThrow();
      y = y.add(Scalars.mul(up, loraScaling));
    }
    return y;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {in.slice(0, in.dimension() - 1).add(outFeatures)};
  }
}
