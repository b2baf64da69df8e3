package io.deltachain.round;

/**
 * An external trainer's delta (the body of {@code POST /learning/round/{id}/submit_delta}).
 *
 * @param layerName the layer's module path, {@code model.layers.N}
 * @param baseHash the checkpoint the delta applies to, 64 hex digits
 * @param deltaBlockHash SHA-256 of the delta file, 64 hex digits
 * @param lossBefore loss on the trainer's shard before training
 * @param lossAfter loss after training
 * @param evalScore the trainer's own evaluation score
 * @param trainer the trainer's address (40 hex digits), or null for the trainer assigned the layer
 * @param cid the delta's IPFS CID, or null
 * @param sizeBytes the delta file's size, or null
 * @param tokens tokens processed, or null
 */
public record SubmitDeltaRequest(
    String layerName,
    String baseHash,
    String deltaBlockHash,
    double lossBefore,
    double lossAfter,
    double evalScore,
    String trainer,
    String cid,
    Long sizeBytes,
    Long tokens) {}
