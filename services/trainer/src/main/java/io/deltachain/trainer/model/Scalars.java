package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a scalar, safe inside the autograd graph.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code pow}, {@code add}, {@code sub})
 * wraps the number in a tensor created over a temporary direct {@code ByteBuffer}
 * ({@code torch::from_blob}, no copy), runs the op and closes that tensor. Autograd keeps the
 * scalar for the backward pass of {@code mul}, {@code div} and {@code pow}; once the JVM collects
 * the buffer, backward reads freed memory. That was the intermittent NaN of long CPU training runs
 * (a garbage collection between forward and backward, reproduced by {@code ScalarLifetimeTest}).
 * The scalars made here come from {@code torch::full}, so the native tensor owns its memory and
 * autograd's reference keeps it alive. Never call DJL's {@code Number} overloads on tensors that
 * take part in training.
 */
public final class Scalars {
  private Scalars() {
  }

  /**
   * A 0-d tensor with the value, in {@code like}'s dtype and device and attached to its manager.
   *
   * @param like tensor whose dtype, device and manager the scalar takes
   * @param value the value
   * @return a scalar tensor owning its memory
   */
  public static NDArray of(NDArray like, double value) {
    return like.getManager().full(new Shape(), (float) value, like.getDataType(), like.getDevice());
  }

  /** @return {@code x * value} */
  public static NDArray mul(NDArray x, double value) {
    return x.mul(of(x, value));
  }

  /** @return {@code x / value} */
  public static NDArray div(NDArray x, double value) {
    return x.div(of(x, value));
  }

  /** @return {@code x + value} */
  public static NDArray add(NDArray x, double value) {
    return x.add(of(x, value));
  }

  /** @return {@code x ^ value} */
  public static NDArray pow(NDArray x, double value) {
    return x.pow(of(x, value));
  }
}
