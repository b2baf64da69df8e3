package io.deltachain.abci.ledger;

/**
 * Result codes of CheckTx and of each transaction in FinalizeBlock. Zero is success; each
 * failure has its own code so that clients can react without parsing the log. Codes are part
 * of the chain's results hash: never renumber.
 */
public enum TxCode {
  OK(0),
  /** Not a deltachain TxEnvelope (random bytes, truncated, unknown fields, bad key length). */
  MALFORMED(1),
  /** Larger than {@link io.deltachain.core.tx.TxLimits#MAX_TX_BYTES}. */
  TOO_LARGE(2),
  /** The Ed25519 signature does not verify for the envelope's key. */
  BAD_SIGNATURE(3),
  /** Signed for another chain. */
  WRONG_CHAIN_ID(4),
  /** The nonce is not above the signer's last used nonce (a replay or a stale transaction). */
  NONCE_REPLAYED(5),
  /** The body does not parse as its declared type, or a field is out of range. */
  INVALID_BODY(6),
  /** The signer is not in the current validator set (verdicts, checkpoint and rollback votes). */
  NOT_VALIDATOR(7),
  /** The signer has not registered a node. */
  NOT_REGISTERED(8),
  /** The signer's role or the ledger's rules do not allow this transaction. */
  NOT_PERMITTED(9),
  /** No such round. */
  UNKNOWN_ROUND(10),
  /** The round no longer takes this transaction (training window over, or finalized). */
  ROUND_CLOSED(11),
  /** No such delta. */
  UNKNOWN_DELTA(12),
  /** The object already exists (round id, checkpoint hash, dispute). */
  DUPLICATE(13),
  /** The signer already voted on this. */
  ALREADY_VOTED(14),
  /** Nothing in the transaction can still take effect (every delta already decided). */
  ALREADY_DECIDED(15),
  /** No such proposed checkpoint. */
  UNKNOWN_CHECKPOINT(16),
  /** The parent or base hash is not the layer's current head. */
  STALE_PARENT(17),
  /** A contributing delta is not an accepted delta of this round and layer. */
  BAD_CONTRIBUTION(18),
  /** The rollback target is not an ancestor of the layer's head. */
  NOT_ANCESTOR(19),
  /** An unexpected exception while checking (a bug; logged). */
  INTERNAL_ERROR(99);

  private final int code;

  TxCode(int code) {
    this.code = code;
  }

  /** The numeric ABCI code. */
  public int code() {
    return code;
  }

  /** The enum constant for an ABCI code, or null. */
  public static TxCode of(int code) {
    for (TxCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
