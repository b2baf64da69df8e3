package io.deltachain.trainer.service;

import io.deltachain.core.tx.proto.TxEnvelope;
import io.vertx.core.Future;

/** What the trainer needs from the chain; implemented by the chain client the launcher wires in. */
public interface ChainClient {

  /**
   * The nonce the signer's next transaction must carry.
   *
   * @param publicKey the signer's raw Ed25519 public key
   * @return the next nonce
   */
  Future<Long> nextNonce(byte[] publicKey);

  /**
   * Broadcasts a signed transaction.
   *
   * @param tx the transaction
   * @return the transaction hash (hex) once accepted into the mempool
   */
  Future<String> broadcast(TxEnvelope tx);
}
