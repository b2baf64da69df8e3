package io.deltachain.round.lifecycle;

/**
 * A layer checkpoint validators agreed on.
 *
 * @param roundId the round that produced it
 * @param layer the layer
 * @param hash SHA-256 of the checkpoint file, hex
 * @param cid its IPFS CID, or empty
 * @param sizeBytes the file's size, 0 when unknown
 * @param height the height it was accepted at
 */
public record CheckpointRecord(String roundId, String layer, String hash, String cid, long sizeBytes, long height) {}
