package io.deltachain.trainer.model;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * A scope with PyTorch's grad mode off, restoring the previous mode on close. Grad mode is
 * thread-local and ON by default in every thread but the one that started the engine, so code
 * that writes into parameters in place (refused on a leaf that requires a gradient while it is
 * on) or runs a forward pass without wanting a graph must say so, whatever thread it runs on
 * (a validator's replay worker, a pipeline stage's gRPC thread). DJL has no public API for it.
 */
public final class NoGrad implements AutoCloseable {
  private final boolean previous;

  private NoGrad() {
    previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
  }

  /** @return an open scope; close it (try-with-resources) to restore the previous mode */
  public static NoGrad open() {
    return new NoGrad();
  }

  /**
   * Runs {@code body} with grad mode off.
   *
   * @param body the work
   * @param <T> its result
   * @return what it returned
   */
  public static <T> T run(Supplier<T> body) {
    try (NoGrad g = open()) {
      return body.get();
    }
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
