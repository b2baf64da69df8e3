package io.deltachain.core.tx;

import com.google.protobuf.Message;
import io.deltachain.core.tx.proto.TxEnvelope;
import java.util.Objects;

/**
 * The outcome of a stateless transaction check: a {@link Reason} and a readable message, and
 * for a valid transaction its parsed envelope and body so callers do not parse twice.
 *
 * @param reason why the transaction is invalid, or {@link Reason#OK}
 * @param message what is wrong, for logs and the CheckTx {@code log} field ("ok" when valid)
 * @param envelope the parsed envelope, when parsing got that far (else null)
 * @param body the parsed body, only when valid (else null)
 */
public record ValidationResult(Reason reason, String message, TxEnvelope envelope, Message body) {

  /**
   * Why a transaction was rejected. The {@link #code()} values are stable: the ABCI app returns
   * them as CheckTx / ExecTxResult codes, which clients and the chain's results hash see. Never
   * renumber or reuse a code; add new reasons with new codes.
   */
  public enum Reason {
    /** Valid. Code 0, CometBFT's success code. */
    OK(0),
    /** Larger than {@link TxLimits#MAX_TX_BYTES}. */
    TX_TOO_LARGE(1),
    /** Empty, not a protobuf {@code TxEnvelope}, or carries fields the schema does not define. */
    MALFORMED_ENVELOPE(2),
    /** Parses, but is not the envelope's one canonical encoding (so its hash could be varied). */
    NON_CANONICAL_ENCODING(3),
    /** The body type is unspecified or not one this node knows. */
    UNKNOWN_BODY_TYPE(4),
    /** The body does not parse as the message its body type names, or has unknown fields. */
    MALFORMED_BODY(5),
    /** The envelope's chain id is not this chain's. */
    WRONG_CHAIN_ID(6),
    /** The nonce is 0; nonces start at 1. (Ordering against the signer's last nonce is stateful and checked by the ledger.) */
    INVALID_NONCE(7),
    /** The signer key is not a 32-byte Ed25519 public key. */
    INVALID_SIGNER_KEY(8),
    /** The signature does not verify over the envelope's fields. */
    INVALID_SIGNATURE(9);

    private final int code;

    Reason(int code) {
      this.code = code;
    }

    /** The stable result code. */
    public int code() {
      return code;
    }
  }

  /** Checks the components. */
  public ValidationResult {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (reason == Reason.OK && (envelope == null || body == null)) {
      throw new IllegalArgumentException("a valid result carries its envelope and body");
    }
    if (reason != Reason.OK && body != null) {
      throw new IllegalArgumentException("an invalid result carries no body");
    }
  }

  /** A valid transaction. */
  public static ValidationResult ok(TxEnvelope envelope, Message body) {
    return new ValidationResult(Reason.OK, "ok", envelope, body);
  }

  /** An invalid transaction that could not be parsed. */
  public static ValidationResult invalid(Reason reason, String message) {
    return new ValidationResult(reason, message, null, null);
  }

  /** An invalid transaction whose envelope parsed. */
  public static ValidationResult invalid(Reason reason, String message, TxEnvelope envelope) {
    return new ValidationResult(reason, message, envelope, null);
  }

  /** True when the transaction passed every check. */
  public boolean isValid() {
    return reason == Reason.OK;
  }

  /** The stable result code of the reason. */
  public int code() {
    return reason.code();
  }
}
