package io.deltachain.abci.ledger;

import com.google.protobuf.Message;
import io.deltachain.core.tx.proto.TxEnvelope;

/**
 * One stateless check of a raw transaction (Besu style: a small single-purpose object that
 * returns a {@link ValidationResult} and never throws for bad input). Rules run in order on a
 * {@link Candidate}; earlier rules fill in what later ones need.
 */
@FunctionalInterface
public interface TxRule {
  /** Checks the candidate; may set fields for later rules. */
  ValidationResult check(Candidate tx);

  /** The transaction as the rules see it while checking. */
  final class Candidate {
    final byte[] raw;
    final byte[] hash;
    TxEnvelope envelope;
    byte[] signer;
    Message body;

    Candidate(byte[] raw, byte[] hash) {
      this.raw = raw;
      this.hash = hash;
    }

    ParsedTx toParsed() {
      return new ParsedTx(raw, hash, envelope, signer, body);
    }
  }
}
