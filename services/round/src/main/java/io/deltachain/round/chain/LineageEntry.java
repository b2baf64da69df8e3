package io.deltachain.round.chain;

import java.util.List;

/**
 * One step of a layer's history: a checkpoint agreed on chain and what it came from.
 *
 * @param layer the layer
 * @param checkpointHash the checkpoint file's SHA-256, hex
 * @param parentHash the previous head, hex (empty for the first)
 * @param roundId the round that produced it
 * @param cid its IPFS CID, or empty
 * @param height the height it was agreed at
 * @param contributingDeltas the accepted deltas aggregated into it, ids in hex
 */
public record LineageEntry(
    String layer, String checkpointHash, String parentHash, String roundId, String cid, long height,
    List<String> contributingDeltas) {
  /** Copies. */
  public LineageEntry {
    contributingDeltas = List.copyOf(contributingDeltas);
  }
}
