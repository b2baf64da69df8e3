package io.deltachain.validator.service;

import io.deltachain.core.tx.proto.SubmitDelta;

/**
 * A SubmitDelta transaction as committed on chain.
 *
 * @param height block height that committed it
 * @param deltaId SHA-256 of the transaction (32 bytes)
 * @param trainerAddress the signer's 20-byte address
 * @param tx the transaction body
 * @param blockHash hash of the committing block: chain data the trainer could not choose,
 *     used to seed the random-data sample and the replay segment
 */
public record CommittedDelta(long height, byte[] deltaId, byte[] trainerAddress, SubmitDelta tx, byte[] blockHash) {}
