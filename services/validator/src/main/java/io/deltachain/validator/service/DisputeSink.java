package io.deltachain.validator.service;

import io.deltachain.core.tx.proto.Dispute;
import io.deltachain.validator.replay.ReplayOutcome;
import io.vertx.core.Future;

/** Where spot-check outcomes go: disputes to the chain, every outcome to whoever watches. */
public interface DisputeSink {
  /** Submits a Dispute transaction signed with the validator's identity. */
  Future<Void> submit(Dispute dispute);

  /** Called with every spot-check outcome, matched or not, on the verticle's context. */
  default void outcome(CommittedDelta delta, ReplayOutcome outcome) {}

  /** Called when the validator itself could not spot-check a delta (no dispute follows). */
  default void notChecked(CommittedDelta delta, Throwable cause) {}
}
