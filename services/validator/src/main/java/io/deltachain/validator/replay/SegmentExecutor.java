package io.deltachain.validator.replay;

import java.util.List;

/**
 * Re-executes training steps from a state: the trainer module implements it with the same
 * model, optimizer and hyperparameters as the trainer used (optimizer state is part of the
 * training state for stateful optimizers).
 */
@FunctionalInterface
public interface SegmentExecutor {
  /** The state after running the given batches, in order, from {@code start} at step {@code startStep}. */
  float[] execute(float[] start, long startStep, List<int[]> batches);
}
