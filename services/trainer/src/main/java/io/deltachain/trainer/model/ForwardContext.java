package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * What one forward pass shares across blocks: where parameters are read from, whether it is a
 * training pass, the compute dtype, the rotary tables and mask for these positions, and the KV
 * cache. Every activation lands in {@link #manager()}, which the caller closes after the step.
 */
public final class ForwardContext {
  private final ParameterStore parameterStore;
  private final NDManager manager;
  private final boolean training;
  private final DataType computeType;
  private final NDArray cos;
  private final NDArray sin;
  private final NDArray mask;
  private final KvCache cache;
  private final java.util.function.Function<Parameter, NDArray> halfCopies;

  ForwardContext(ParameterStore parameterStore, NDManager manager, boolean training, DataType computeType,
      NDArray cos, NDArray sin, NDArray mask, KvCache cache) {
    this(parameterStore, manager, training, computeType, cos, sin, mask, cache, null);
  }

  ForwardContext(ParameterStore parameterStore, NDManager manager, boolean training, DataType computeType,
      NDArray cos, NDArray sin, NDArray mask, KvCache cache,
      java.util.function.Function<Parameter, NDArray> halfCopies) {
    this.halfCopies = halfCopies;
    this.parameterStore = parameterStore;
    this.manager = manager;
    this.training = training;
    this.computeType = computeType;
    this.cos = cos;
    this.sin = sin;
    this.mask = mask;
    this.cache = cache;
  }

  /**
   * Reads a parameter through the parameter store (so DJL's own Trainer could update it too).
   * In fp16 mode it returns the parameter's fp16 working copy instead, a leaf tensor of its own:
   * DJL's {@code toType} runs under a NoGradGuard (it is not differentiable), so the fp32 master
   * weights cannot be cast inside the graph; the trainer moves gradients from the working copies
   * to the masters after backward.
   *
   * @param parameter the parameter
   * @return its value in the compute dtype
   */
  public NDArray value(Parameter parameter) {
    if (computeType != DataType.FLOAT32 && halfCopies != null) {
      return halfCopies.apply(parameter);
    }
    return parameterStore.getValue(parameter, manager.getDevice(), training);
  }

  /** @return whether this is a training pass (dropout active) */
  public boolean training() {
    return training;
  }

  /** @return the dtype matrix products run in (fp32 on CPU, fp16 under CUDA mixed precision) */
  public DataType computeType() {
    return computeType;
  }

  /** @return the manager activations of this pass belong to */
  public NDManager manager() {
    return manager;
  }

  NDArray cos() {
    return cos;
  }

  NDArray sin() {
    return sin;
  }

  /** The same pass with activations landing in another manager (one layer's, under checkpointing). */
  ForwardContext withManager(NDManager other) {
    return new ForwardContext(parameterStore, other, training, computeType, cos, sin, mask, cache, halfCopies);
  }

  NDArray mask() {
    return mask;
  }

  KvCache cache() {
    return cache;
  }
}
