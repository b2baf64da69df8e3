package io.deltachain.round.lifecycle;

import java.util.List;

/**
 * A delta as the chain recorded it.
 *
 * @param deltaId SHA-256 of the SubmitDelta transaction, hex
 * @param roundId the round
 * @param layer the layer's module path ({@code model.layers.3})
 * @param trainer the trainer's address, hex
 * @param shardIndex the data shard it trained on
 * @param baseHash the checkpoint it applies to, hex
 * @param contentHash SHA-256 of the delta file, hex
 * @param cid its IPFS CID, or empty
 * @param sizeBytes the delta file's size
 * @param tokens tokens the trainer claims to have processed
 * @param lossBeforeMicro loss before, times 10^6
 * @param lossAfterMicro loss after, times 10^6
 * @param committedHeight the height it committed at
 * @param status its standing
 * @param reasons reason codes of the decision
 * @param decidedHeight the height it was decided at, 0 while pending
 */
public record DeltaRecord(
    String deltaId,
    String roundId,
    String layer,
    String trainer,
    int shardIndex,
    String baseHash,
    String contentHash,
    String cid,
    long sizeBytes,
    long tokens,
    long lossBeforeMicro,
    long lossAfterMicro,
    long committedHeight,
    DeltaStatus status,
    List<String> reasons,
    long decidedHeight) {

  /** Copies the reasons. */
  public DeltaRecord {
    reasons = List.copyOf(reasons);
  }

  /** This delta with a decision. */
  public DeltaRecord decided(DeltaStatus newStatus, List<String> newReasons, long height) {
    return new DeltaRecord(deltaId, roundId, layer, trainer, shardIndex, baseHash, contentHash, cid, sizeBytes,
        tokens, lossBeforeMicro, lossAfterMicro, committedHeight, newStatus, newReasons, height);
  }
}
