package io.deltachain.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.TreeMap;

/**
 * AdamW (decoupled weight decay) with state keyed by tensor name rather than DJL's random
 * parameter ids, so it can be saved and restored. The arithmetic is DJL's fused native Adam
 * update ({@code w -= lr*wd*w; w -= lr*sqrt(1-b2^t)/(1-b1^t) * m/(sqrt(v)+eps)}), called with
 * clipping off because the native clip is an upper clamp only; clipping happens beforehand.
 * The native call also zeroes the parameter's gradient.
 */
public final class AdamW implements AutoCloseable {
  private final NDManager manager;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final Map<String, State> state = new TreeMap<>();

  /** Moments and step count of one tensor. */
  static final class State {
    final NDArray mean;
    final NDArray variance;
    int steps;

    State(NDArray mean, NDArray variance, int steps) {
      this.mean = mean;
      this.variance = variance;
      this.steps = steps;
    }
  }

  /**
   * Creates the optimizer.
   *
   * @param parent manager to keep moments under
   * @param beta1 first-moment decay
   * @param beta2 second-moment decay
   * @param epsilon denominator epsilon
   * @param weightDecay decoupled weight decay
   */
  public AdamW(NDManager parent, double beta1, double beta2, double epsilon, double weightDecay) {
    this.manager = parent.newSubManager();
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  /**
   * Updates one tensor in place and zeroes its gradient.
   *
   * @param name tensor name
   * @param weight the parameter array
   * @param gradient its (already clipped and unscaled) gradient
   * @param learningRate rate for this step
   * @param decay whether weight decay applies to this tensor (not to norms)
   */
  public void update(String name, NDArray weight, NDArray gradient, double learningRate, boolean decay) {
    State s = state.computeIfAbsent(name, n -> new State(zeros(weight), zeros(weight), 0));
    s.steps++;
    double correction = learningRate * Math.sqrt(1 - Math.pow(beta2, s.steps)) / (1 - Math.pow(beta1, s.steps));
    weight.getNDArrayInternal().adamUpdate(
        new NDList(weight, gradient, s.mean, s.variance),
        new NDList(weight),
        (float) learningRate,
        (float) correction,
        decay ? (float) weightDecay : 0f,
        1f,
        -1f,
        (float) beta1,
        (float) beta2,
        (float) epsilon,
        true,
        true);
  }

  private NDArray zeros(NDArray like) {
    return manager.zeros(like.getShape(), like.getDataType(), like.getDevice());
  }

  /** @return moments and step counts by tensor name, for checkpoints */
  Map<String, State> state() {
    return state;
  }

  /** Drops a tensor's state, as if it had never been updated (a restored state with 0 AdamW steps). */
  void forget(String name) {
    State old = state.remove(name);
    if (old != null) {
      old.mean.close();
      old.variance.close();
    }
  }

  /**
   * Moments and step count of one tensor as plain arrays, for checkpoints kept outside this
   * package (pipeline stages).
   *
   * @param mean first moment, row-major
   * @param variance second moment, row-major
   * @param steps updates applied so far
   */
  public record Moments(float[] mean, float[] variance, int steps) {
  }

  /** @return a copy of every tensor's moments and step count, by tensor name (sorted) */
  public Map<String, Moments> moments() {
    Map<String, Moments> out = new TreeMap<>();
    state.forEach((name, s) -> out.put(name, new Moments(s.mean.toFloatArray(), s.variance.toFloatArray(), s.steps)));
    return out;
  }

  /**
   * Replaces one tensor's moments and step count (resume from a checkpoint).
   *
   * @param name tensor name
   * @param mean first moment
   * @param variance second moment
   * @param steps updates applied so far
   * @param like the parameter array (shape and device)
   */
  public void restore(String name, float[] mean, float[] variance, int steps, NDArray like) {
    State old = state.remove(name);
    if (old != null) {
      old.mean.close();
      old.variance.close();
    }
    NDArray m = manager.create(mean, like.getShape()).toDevice(like.getDevice(), false);
    NDArray v = manager.create(variance, like.getShape()).toDevice(like.getDevice(), false);
    m.attach(manager);
    v.attach(manager);
    state.put(name, new State(m, v, steps));
  }

  @Override
  public void close() {
    manager.close();
  }
}
