package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A leaf block of the model whose computation is {@link #apply(ForwardContext, NDArray)}: DJL's
 * {@code forward} builds a plain {@link ForwardContext} (no cache, no LoRA overrides) around it.
 * Parameters are created initialised, so there are no children to initialise. The output shape
 * equals the input shape unless a subclass says otherwise.
 */
abstract class ContextBlock extends AbstractBlock {

  /** The block's computation on one input. */
  abstract NDArray apply(ForwardContext ctx, NDArray x);

  @Override
  protected final NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    ForwardContext ctx = new ForwardContext(ps, x.getManager(), training, x.getDataType(), null, null, null, null);
    return new NDList(apply(ctx, x));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected final void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // Parameters are created initialised; there are no children.
  }
}
