package io.deltachain.core.tx;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.deltachain.core.crypto.Ed25519;
import io.deltachain.core.tx.ValidationResult.Reason;
import io.deltachain.core.tx.proto.TxEnvelope;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The stateless check every transaction passes before anything else looks at it: what CheckTx
 * runs, and what PrepareProposal and ProcessProposal reuse. It never throws on bad input; it
 * returns a {@link ValidationResult}.
 *
 * <p>Rules, in order (cheap first, the signature last):
 * <ol>
 *   <li>size at most {@link TxLimits#MAX_TX_BYTES}, not empty;
 *   <li>parses as a {@code TxEnvelope} with no unknown fields;
 *   <li>is the canonical encoding of that envelope (re-encoding gives the same bytes), so
 *       nobody but the signer can produce a different transaction hash for the same content;
 *   <li>the chain id is this chain's;
 *   <li>the nonce is not 0;
 *   <li>the body type is known;
 *   <li>the body parses as that type's message with no unknown fields anywhere in it (a body
 *       of another type, or from a newer schema, is refused rather than half-read);
 *   <li>the signer key is 32 bytes and the signature verifies.
 * </ol>
 * Stateful rules (nonce order, registered roles, round windows) belong to the ledger.
 *
 * <p>Thread-safe and immutable.
 */
public final class TxValidator {
  private final String chainId;

  /** A validator for transactions of the chain {@code chainId}. */
  public TxValidator(String chainId) {
    Objects.requireNonNull(chainId, "chainId");
    if (chainId.isBlank()) {
      throw new IllegalArgumentException("the chain id to validate against is blank");
    }
    this.chainId = chainId;
  }

  /** The chain id transactions must carry. */
  public String chainId() {
    return chainId;
  }

  /** Checks raw transaction bytes as CometBFT delivers them. */
  public ValidationResult validate(byte[] tx) {
    if (tx == null || tx.length == 0) {
      return ValidationResult.invalid(Reason.MALFORMED_ENVELOPE, "empty transaction");
    }
    if (tx.length > TxLimits.MAX_TX_BYTES) {
      return ValidationResult.invalid(Reason.TX_TOO_LARGE,
          "transaction is " + tx.length + " bytes, the limit is " + TxLimits.MAX_TX_BYTES);
    }
    TxEnvelope env;
    try {
      env = TxEnvelope.parseFrom(tx);
    } catch (InvalidProtocolBufferException e) {
      return ValidationResult.invalid(Reason.MALFORMED_ENVELOPE, "not a TxEnvelope: " + e.getMessage());
    }
    if (!env.getUnknownFields().asMap().isEmpty()) {
      return ValidationResult.invalid(Reason.MALFORMED_ENVELOPE,
          "envelope has unknown field(s) " + fieldNumbers(env.getUnknownFields()), env);
    }
    if (!Arrays.equals(env.toByteArray(), tx)) {
      return ValidationResult.invalid(Reason.NON_CANONICAL_ENCODING,
          "envelope is not canonically encoded (fields out of order, repeated, or defaults written out)", env);
    }
    return validateParsed(env);
  }

  /**
   * Checks an already-parsed envelope: every rule but size, unknown envelope fields and
   * canonical encoding, which only raw bytes can show.
   */
  public ValidationResult validate(TxEnvelope env) {
    return validateParsed(Objects.requireNonNull(env, "env"));
  }

  private ValidationResult validateParsed(TxEnvelope env) {
    if (!chainId.equals(env.getChainId())) {
      return ValidationResult.invalid(Reason.WRONG_CHAIN_ID,
          "chain id is '" + abbreviate(env.getChainId()) + "', this chain is '" + chainId + "'", env);
    }
    if (env.getNonce() == 0) {
      return ValidationResult.invalid(Reason.INVALID_NONCE, "nonce is 0; nonces start at 1", env);
    }
    if (!Txs.isKnown(env.getBodyType())) {
      return ValidationResult.invalid(Reason.UNKNOWN_BODY_TYPE, "unknown body type " + Txs.describe(env), env);
    }
    Message body;
    try {
      body = Txs.bodyOf(env);
    } catch (InvalidProtocolBufferException e) {
      return ValidationResult.invalid(Reason.MALFORMED_BODY,
          "body is not a valid " + env.getBodyType() + ": " + e.getMessage(), env);
    }
    String unknown = firstUnknownFields(body, body.getDescriptorForType().getName());
    if (unknown != null) {
      return ValidationResult.invalid(Reason.MALFORMED_BODY,
          "body declared " + env.getBodyType() + " has fields that message does not define: " + unknown, env);
    }
    int keyLength = env.getSignerPubKey().size();
    if (keyLength != Ed25519.PUBLIC_KEY_LENGTH) {
      return ValidationResult.invalid(Reason.INVALID_SIGNER_KEY,
          "signer key is " + keyLength + " bytes, an Ed25519 public key is " + Ed25519.PUBLIC_KEY_LENGTH, env);
    }
    if (!TxEnvelopes.signatureValid(env)) {
      return ValidationResult.invalid(Reason.INVALID_SIGNATURE,
          "signature does not verify for signer " + io.deltachain.core.crypto.NodeKey.addressHexOf(env.getSignerPubKey().toByteArray()), env);
    }
    return ValidationResult.ok(env, body);
  }

  // Walks set fields depth first; returns "Message.path: field numbers" of the first unknown fields.
  private static String firstUnknownFields(Message m, String path) {
    if (!m.getUnknownFields().asMap().isEmpty()) {
      return path + " " + fieldNumbers(m.getUnknownFields());
    }
    for (Map.Entry<com.google.protobuf.Descriptors.FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      if (e.getKey().getJavaType() != com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      String childPath = path + "." + e.getKey().getName();
      List<?> values = e.getKey().isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
      for (Object v : values) {
        String found = firstUnknownFields((Message) v, childPath);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static String fieldNumbers(UnknownFieldSet set) {
    return set.asMap().keySet().stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
