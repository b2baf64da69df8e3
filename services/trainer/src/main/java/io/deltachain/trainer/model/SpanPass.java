package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.function.IntConsumer;

/**
 * The forward pass of the part of a model a pipeline stage holds ({@link CausalLm#span}): the
 * embedding when the stage holds it, its decoder layers, and the final norm and head when it holds
 * them. It is built from the same pieces as {@link CausalLm#forward} and
 * {@link CausalLm#checkpointedBackward}, so a chain of stages computes exactly what one process
 * computes.
 *
 * <p>Backward across a stage boundary needs no custom autograd function: the receiving side marks
 * its input as requiring a gradient, and the sending side back-propagates the gradient {@code g}
 * that comes back through the surrogate {@code sum(y * g)}, whose gradient with respect to its
 * output {@code y} is {@code g}.
 */
public final class SpanPass {
  private SpanPass() {
  }

  /**
   * Runs the model's span on one micro-batch, recording the graph when grad mode is on.
   *
   * @param model a whole or partial model
   * @param input token ids {@code [B, T]} INT64 when the model holds the embedding, else the
   *     previous stage's hidden states {@code [B, T, H]} in fp32; activations land in its manager
   * @param training whether dropout is active
   * @param reseed called with each decoder layer's index before it runs, and with -1 before the
   *     head, so dropout masks depend on (micro-batch, layer) alone and recomputation sees the same
   * @return hidden states {@code [B, T, H]} after the span's last layer, or fp32 logits
   *     {@code [B, T, V]} when the model holds the head
   */
  public static NDArray forward(CausalLm model, NDArray input, boolean training, IntConsumer reseed) {
    boolean holdsEmbedding = model.layerSpan().first() == 0;
    if (holdsEmbedding != (input.getDataType() == DataType.INT64)) {
      throw new IllegalArgumentException("a stage holding layers " + model.layerSpan() + " takes "
          + (holdsEmbedding ? "INT64 token ids" : "fp32 hidden states") + ", got " + input.getDataType()
          + " " + input.getShape());
    }
    if (!holdsEmbedding && input.getShape().get(input.getShape().dimension() - 1) != model.spec().hiddenSize()) {
      throw new IllegalArgumentException("hidden states " + input.getShape() + " do not have the model's width "
          + model.spec().hiddenSize());
    }
    ForwardContext ctx = model.context(input, null, training);
    NDArray h = holdsEmbedding ? model.embed(ctx, input) : input;
    for (DecoderLayer layer : model.layers()) {
      reseed.accept(layer.index());
      h = layer.apply(ctx, h);
    }
    if (holdsHead(model)) {
      reseed.accept(-1);
      h = model.head(ctx, h);
    }
    return h;
  }

  /**
   * @param model a whole or partial model
   * @return whether it holds the final norm and head (and so ends in logits)
   */
  public static boolean holdsHead(CausalLm model) {
    return model.layerSpan().last() == model.spec().numLayers() - 1;
  }
}
