package io.deltachain.round.lifecycle;

/** Where a round is in its life. */
public enum RoundState {
  /** Accepted by the API and submitted; the StartRound transaction is not committed yet. */
  CREATED,
  /** Committed: trainers train and submit deltas until the training deadline. */
  TRAINING,
  /** Training closed: validators decide on the deltas still pending. */
  VALIDATING,
  /** Verdicts are in: validators aggregate the accepted deltas into layer checkpoints. */
  AGGREGATING,
  /** Done: every layer with accepted deltas has a checkpoint (or the deadline kept what it had). */
  FINALIZED,
  /** Ended without a result (nothing accepted, nothing aggregated, or the start failed). */
  FAILED,
  /** Stopped on request. */
  CANCELLED;

  /** Whether the round has ended. */
  public boolean terminal() {
    return this == FINALIZED || this == FAILED || this == CANCELLED;
  }
}
