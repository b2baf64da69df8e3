package io.deltachain.abci.ledger;

import com.google.protobuf.Message;
import io.deltachain.core.tx.proto.TxEnvelope;

/**
 * A transaction that passed the stateless checks: its raw bytes, its hash (SHA-256 of the raw
 * bytes, CometBFT's tx hash and the id of a SubmitDelta's delta), the envelope, the signer's
 * 20-byte address and the parsed body.
 */
public record ParsedTx(byte[] raw, byte[] hash, TxEnvelope envelope, byte[] signer, Message body) {
  /** The signer's raw 32-byte public key. */
  public byte[] signerPubKey() {
    return envelope.getSignerPubKey().toByteArray();
  }
}
