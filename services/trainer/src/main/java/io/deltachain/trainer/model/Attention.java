package io.deltachain.trainer.model;

import io.deltachain.core.profile.ModelProfile;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Grouped-query self-attention with a causal mask: q/k/v projections, optional per-head QK-norm
 * (Qwen3) before RoPE, {@code repeat_kv} by repeat-interleave on the head axis, scores scaled by
 * {@code head_dim^-0.5} with softmax in fp32, and the output projection.
 */
public final class Attention extends AbstractBlock {
  private final int layer;
  private final int numHeads;
  private final int numKvHeads;
  private final int headDim;
  private final float scale;
  private final Projection q;
  private final Projection k;
  private final Projection v;
  private final Projection o;
  private final RmsNorm qNorm;
  private final RmsNorm kNorm;

  Attention(NDManager manager, ModelProfile spec, int layer, int seed) {
    this.layer = layer;
    this.numHeads = spec.numHeads();
    this.numKvHeads = spec.numKvHeads();
    this.headDim = spec.headDim();
    this.scale = (float) (1.0 / Math.sqrt(headDim));
    String prefix = "model.layers." + layer + ".self_attn.";
    int h = spec.hiddenSize();
    q = addChildBlock("q_proj", new Projection(manager, prefix + "q_proj", "q_proj", layer, h, numHeads * headDim,
        CausalLm.initStd(spec), seed + 1));
    k = addChildBlock("k_proj", new Projection(manager, prefix + "k_proj", "k_proj", layer, h,
        numKvHeads * headDim, CausalLm.initStd(spec), seed + 2));
    v = addChildBlock("v_proj", new Projection(manager, prefix + "v_proj", "v_proj", layer, h,
        numKvHeads * headDim, CausalLm.initStd(spec), seed + 3));
    o = addChildBlock("o_proj", new Projection(manager, prefix + "o_proj", "o_proj", layer, numHeads * headDim, h,
        CausalLm.initStd(spec), seed + 4));
    if (spec.qkNorm()) {
      qNorm = addChildBlock("q_norm", new RmsNorm(manager, headDim, spec.rmsNormEps()));
      kNorm = addChildBlock("k_norm", new RmsNorm(manager, headDim, spec.rmsNormEps()));
    } else {
      qNorm = null;
      kNorm = null;
    }
  }

  Projection[] projections() {
    return new Projection[] {q, k, v, o};
  }

  RmsNorm qNorm() {
    return qNorm;
  }

  RmsNorm kNorm() {
    return kNorm;
  }

  NDArray apply(ForwardContext ctx, NDArray x) {
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(1);
    NDArray query = q.apply(ctx, x).reshape(b, t, numHeads, headDim);
    NDArray key = k.apply(ctx, x).reshape(b, t, numKvHeads, headDim);
    NDArray value = v.apply(ctx, x).reshape(b, t, numKvHeads, headDim);
    if (qNorm != null) {
      query = qNorm.apply(ctx, query);
      key = kNorm.apply(ctx, key);
    }
    query = query.transpose(0, 2, 1, 3);
    key = key.transpose(0, 2, 1, 3);
    value = value.transpose(0, 2, 1, 3);
    NDArray cos = ctx.cos();
    NDArray sin = ctx.sin();
    if (ctx.computeType() != DataType.FLOAT32) {
      cos = cos.toType(ctx.computeType(), false);
      sin = sin.toType(ctx.computeType(), false);
    }
    query = RotaryEmbedding.apply(query, cos, sin);
    key = RotaryEmbedding.apply(key, cos, sin);
    if (ctx.cache() != null) {
      NDArray[] kv = ctx.cache().append(layer, key, value);
      key = kv[0];
      value = kv[1];
    }
    int groups = numHeads / numKvHeads;
    if (groups > 1) {
      key = key.repeat(1, groups);
      value = value.repeat(1, groups);
    }
    // In fp16 the scores stay fp16 (a cast would cut the graph); PyTorch's half softmax
    // accumulates in fp32 internally.
    NDArray scores = Scalars.mul(query, scale).matMul(key.transpose(0, 1, 3, 2));
    if (ctx.mask() != null) {
      scores = scores.add(ctx.mask());
    }
    NDArray probs = scores.softmax(-1);
    NDArray out = probs.matMul(value).transpose(0, 2, 1, 3).reshape(b, t, (long) numHeads * headDim);
    return o.apply(ctx, out);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("attention runs inside CausalLm, which supplies positions and mask");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // Children are created initialised.
  }
}
