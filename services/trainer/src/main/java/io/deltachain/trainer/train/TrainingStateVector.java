package io.deltachain.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import io.deltachain.core.replay.StateLayout;
import java.util.Map;
import java.util.Set;

/**
 * A session's training state as one flat float vector, for replay spot-checks: exactly what is
 * needed to continue training bit for bit (the resume checkpoint holds the same, see
 * {@link TrainingCheckpoint}), restricted to trainable state, in a fixed order:
 *
 * <ol>
 *   <li>{@code step} (COUNTER): optimizer steps completed;</li>
 *   <li>fp16 runs only: {@code loss_scale}, {@code loss_scale_clean_steps}, {@code skipped_steps}
 *       (COUNTER; the scale is a power of two, exact in float32);</li>
 *   <li>for every tensor the run trains at any of its steps (for LoRA: the adapters only), by
 *       Hugging Face name in ascending order: {@code <name>} (WEIGHT, row-major),
 *       {@code <name>:adam_m} (FIRST_MOMENT), {@code <name>:adam_v} (SECOND_MOMENT),
 *       {@code <name>:adam_steps} (COUNTER, AdamW's step count of that tensor; moments are 0 while
 *       it is 0).</li>
 * </ol>
 *
 * <p>Data position, token count and random state are not part of it: a replay serves the
 * recorded batches, and dropout is reseeded from (seed, step) every micro-batch. Counters are
 * integers stored as float32, exact below 2^24.
 */
public final class TrainingStateVector {
  /** Largest counter value a float32 holds exactly. */
  static final int MAX_COUNTER = 1 << 24;

  private TrainingStateVector() {}

  /** The tensors whose state is recorded: those the run trains at some step, sorted. */
  public static Set<String> names(TrainingSession s) {
    Set<String> names = s.trainableNames(0);
    // STAGED only ever adds tensors, so the last step's set contains every earlier one
    names.addAll(s.trainableNames(Math.max(0, s.config().steps() - 1)));
    return names;
  }

  /** The layout of this session's state vector. */
  public static StateLayout layout(TrainingSession s) {
    StateLayout.Builder b = StateLayout.builder().add("step", StateLayout.Kind.COUNTER, 1);
    if (s.lossScaler() != null) {
      b.add("loss_scale", StateLayout.Kind.COUNTER, 1)
          .add("loss_scale_clean_steps", StateLayout.Kind.COUNTER, 1)
          .add("skipped_steps", StateLayout.Kind.COUNTER, 1);
    }
    Map<String, Parameter> params = s.model().parameters();
    for (String name : names(s)) {
      int n = Math.toIntExact(params.get(name).getArray().size());
      b.add(name, StateLayout.Kind.WEIGHT, n)
          .add(name + ":adam_m", StateLayout.Kind.FIRST_MOMENT, n)
          .add(name + ":adam_v", StateLayout.Kind.SECOND_MOMENT, n)
          .add(name + ":adam_steps", StateLayout.Kind.COUNTER, 1);
    }
    return b.build();
  }

  /** The session's current state. */
  public static float[] capture(TrainingSession s) {
    StateLayout layout = layout(s);
    float[] out = new float[layout.length()];
    out[0] = counter(s.step(), "step");
    if (s.lossScaler() != null) {
      out[layout.section("loss_scale").offset()] = (float) s.lossScaler().scale();
      out[layout.section("loss_scale_clean_steps").offset()] = counter(s.lossScaler().cleanSteps(), "clean steps");
      out[layout.section("skipped_steps").offset()] = counter(s.lossScaler().skippedSteps(), "skipped steps");
    }
    Map<String, Parameter> params = s.model().parameters();
    for (String name : names(s)) {
      put(out, layout.section(name), params.get(name).getArray().toFloatArray());
      AdamW.State st = s.optimizer().state().get(name);
      if (st != null) {
        put(out, layout.section(name + ":adam_m"), st.mean.toFloatArray());
        put(out, layout.section(name + ":adam_v"), st.variance.toFloatArray());
        out[layout.section(name + ":adam_steps").offset()] = counter(st.steps, "AdamW steps of " + name);
      }
    }
    return out;
  }

  /**
   * Puts a state into the session: weights, AdamW moments and step counts, the step counter and
   * the loss scale. Tensors outside the state are left as they are (frozen base weights).
   *
   * @throws IllegalArgumentException naming what does not fit (size, a counter that is not a
   *     non-negative integer)
   */
  public static void restore(TrainingSession s, float[] state) {
    StateLayout layout = layout(s);
    if (state.length != layout.length()) {
      throw new IllegalArgumentException("training state has " + state.length + " values, this run's layout has "
          + layout.length());
    }
    // every counter is read (and refused) before anything changes, so a bad state leaves the session as it was
    int step = readCounter(state, layout.section("step"));
    float scale = 0;
    int cleanSteps = 0;
    int skipped = 0;
    if (s.lossScaler() != null) {
      scale = state[layout.section("loss_scale").offset()];
      if (!(scale > 0) || Float.isInfinite(scale)) {
        throw new IllegalArgumentException("training state has loss scale " + scale);
      }
      cleanSteps = readCounter(state, layout.section("loss_scale_clean_steps"));
      skipped = readCounter(state, layout.section("skipped_steps"));
    }
    Set<String> names = names(s);
    Map<String, Integer> adamSteps = new java.util.HashMap<>();
    for (String name : names) {
      adamSteps.put(name, readCounter(state, layout.section(name + ":adam_steps")));
    }
    if (s.lossScaler() != null) {
      s.lossScaler().restore(scale, cleanSteps, skipped);
    }
    Map<String, Parameter> params = s.model().parameters();
    // setWeight writes with grad mode off (CausalLm.copyInto), whatever thread this runs on.
    for (String name : names) {
      NDArray w = params.get(name).getArray();
      s.model().setWeight(name, slice(state, layout.section(name)), w.getShape());
    }
    for (String name : names) {
      NDArray w = params.get(name).getArray();
      if (adamSteps.get(name) == 0) {
        s.optimizer().forget(name);
      } else {
        s.optimizer().restore(name, slice(state, layout.section(name + ":adam_m")),
            slice(state, layout.section(name + ":adam_v")), adamSteps.get(name), w);
      }
    }
    s.restoreCounters(step, s.tokens());
  }

  private static float counter(long v, String what) {
    if (v < 0 || v >= MAX_COUNTER) {
      throw new IllegalStateException(what + " = " + v + " does not fit a float32 counter of the training state");
    }
    return v;
  }

  private static int readCounter(float[] state, StateLayout.Section s) {
    float v = state[s.offset()];
    if (!(v >= 0) || v >= MAX_COUNTER || v != Math.rint(v)) {
      throw new IllegalArgumentException("training state counter " + s.name() + " is " + v
          + ", not a non-negative integer");
    }
    return (int) v;
  }

  private static void put(float[] out, StateLayout.Section s, float[] values) {
    if (values.length != s.length()) {
      throw new IllegalStateException(s.name() + " has " + values.length + " values, its section " + s.length());
    }
    System.arraycopy(values, 0, out, s.offset(), values.length);
  }

  private static float[] slice(float[] state, StateLayout.Section s) {
    float[] out = new float[s.length()];
    System.arraycopy(state, s.offset(), out, 0, s.length());
    return out;
  }
}
