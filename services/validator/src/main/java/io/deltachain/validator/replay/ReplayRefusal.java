package io.deltachain.validator.replay;

/**
 * A segment's recorded inputs do not fit the round's task (batches that are not the shard's,
 * a state with impossible counters, steps outside the task): the trainer's fault, so it opens a
 * dispute. Any other exception from an executor is the validator's own failure and does not.
 */
public final class ReplayRefusal extends Exception {
  private static final long serialVersionUID = 1L;

  /** @param message what does not fit */
  public ReplayRefusal(String message) {
    super(message);
  }
}
