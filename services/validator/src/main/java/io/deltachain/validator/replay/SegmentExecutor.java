package io.deltachain.validator.replay;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.replay.StateLayout;
import java.util.List;

/**
 * Re-executes training steps of one delta's task, set up as the round fixes it (model, base,
 * mode, optimizer and hyperparameters, data shard, seeds); the trainer module provides the
 * real one. Only the start state and the batches come from the trainer.
 */
public interface SegmentExecutor {
  /** The layout of the task's training state. */
  StateLayout layout();

  /** The task's number of steps, as the round fixes it; a trace with another count is disputed. */
  long totalSteps();

  /**
   * The hash of the task's state before the first step, which the trace's first state must equal;
   * null when this executor cannot rebuild it bit for bit (then it is not checked).
   */
  ContentHash initialStateHash();

  /**
   * The state after running the given batches, in order, from {@code start} at step {@code startStep}.
   *
   * @throws ReplayRefusal when the recorded inputs do not fit the task (the trainer's fault)
   */
  float[] execute(float[] start, long startStep, List<int[]> batches) throws ReplayRefusal;
}
