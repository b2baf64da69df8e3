package io.deltachain.round.lifecycle;

import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import java.util.List;

/**
 * What the round service learns from the chain, in block order. The chain client (or the
 * in-memory chain in tests) calls these as blocks commit, and again from height 1 when the
 * service restarts, so everything derived from them can be rebuilt. Every method has a no-op
 * default so a listener overrides only what it needs.
 */
public interface ChainEvents {
  /** A block committed; called after the events of its transactions. */
  default void onNewBlock(long height) {}

  /** A node registered (or re-registered) with its capabilities. */
  default void onNodeRegistered(long height, String address, RegisterNode registration) {}

  /** A StartRound transaction committed. */
  default void onRoundStarted(long height, String txHash, StartRound start) {}

  /**
   * A SubmitDelta transaction committed.
   *
   * @param deltaId the delta's id: SHA-256 of the SubmitDelta transaction, in hex
   * @param trainerAddress the signer's 20-byte address, in hex
   */
  default void onDeltaCommitted(long height, String deltaId, String trainerAddress, SubmitDelta delta) {}

  /** The verdict tally decided a delta (accepted, rejected or expired), with the reason codes. */
  default void onDeltaStatus(long height, String deltaId, DeltaStatus status, List<String> reasons) {}

  /** Validators agreed on a layer's new checkpoint for a round. */
  default void onCheckpointAccepted(
      long height, String roundId, String layer, String checkpointHash, String cid, long sizeBytes) {}

  /**
   * A FinalizeRound transaction committed. A reason starting with {@code "cancelled"} records a
   * cancellation.
   */
  default void onRoundFinalized(long height, String roundId, String reason) {}
}
