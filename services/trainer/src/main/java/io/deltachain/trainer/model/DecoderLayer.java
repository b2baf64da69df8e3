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

/** One pre-norm decoder layer: {@code h += attn(norm(h)); h += mlp(norm(h))}. */
public final class DecoderLayer extends AbstractBlock {
  private final int index;
  private final RmsNorm inputNorm;
  private final Attention attention;
  private final RmsNorm postAttentionNorm;
  private final Mlp mlp;

  DecoderLayer(NDManager manager, ModelProfile spec, int index, int seed) {
    this.index = index;
    inputNorm = addChildBlock("input_layernorm", new RmsNorm(manager, spec.hiddenSize(), spec.rmsNormEps()));
    attention = addChildBlock("self_attn", new Attention(manager, spec, index, seed));
    postAttentionNorm = addChildBlock("post_attention_layernorm",
        new RmsNorm(manager, spec.hiddenSize(), spec.rmsNormEps()));
    mlp = addChildBlock("mlp", new Mlp(manager, spec, index, seed));
  }

  /** @return the layer index */
  public int index() {
    return index;
  }

  RmsNorm inputNorm() {
    return inputNorm;
  }

  RmsNorm postAttentionNorm() {
    return postAttentionNorm;
  }

  Attention attention() {
    return attention;
  }

  Mlp mlp() {
    return mlp;
  }

  NDArray apply(ForwardContext ctx, NDArray h) {
    NDArray x = h.add(attention.apply(ctx, inputNorm.apply(ctx, h)));
    return x.add(mlp.apply(ctx, postAttentionNorm.apply(ctx, x)));
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("decoder layers run inside CausalLm, which supplies positions and mask");
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
