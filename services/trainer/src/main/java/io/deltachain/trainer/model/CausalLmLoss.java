package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Next-token cross entropy, computed by hand because DJL's SoftmaxCrossEntropyLoss mishandles
 * {@code [B, T]} labels against {@code [B, T, V]} logits (JniUtils.pick reshape bug).
 */
public final class CausalLmLoss {
  private CausalLmLoss() {
  }

  /**
   * Mean negative log-likelihood of the labels.
   *
   * @param logits {@code [B, T, V]}
   * @param labels {@code [B, T]} INT64
   * @return a scalar
   */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    long v = logits.getShape().get(logits.getShape().dimension() - 1);
    long n = labels.size();
    NDArray logp = logits.reshape(n, v).logSoftmax(-1);
    NDArray idx = labels.getDataType() == DataType.INT64 ? labels : labels.toType(DataType.INT64, false);
    return logp.gather(idx.reshape(n, 1), 1).neg().mean();
  }
}
