package io.deltachain.abci.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.deltachain.core.crypto.Ed25519;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.CheckpointVote;
import io.deltachain.core.tx.proto.Dispute;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.Rollback;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.deltachain.core.tx.proto.VerdictBatch;
import java.util.function.Supplier;

/** The stateless {@link TxRule}s, in the order {@link StatelessValidator} runs them. */
final class StatelessRules {
  private StatelessRules() {}

  /** Rejects transactions above the ledger's size limit. */
  static TxRule size(int maxTxBytes) {
    return tx -> tx.raw.length > maxTxBytes
        ? ValidationResult.fail(TxCode.TOO_LARGE,
            "transaction is " + tx.raw.length + " bytes; the limit is " + maxTxBytes + " bytes")
        : ValidationResult.OK;
  }

  /** Parses the envelope and checks its structure (key and signature sizes, known body type, nonce). */
  static TxRule envelope() {
    return tx -> {
      TxEnvelope env;
      try {
        env = TxEnvelopes.parse(tx.raw);
      } catch (InvalidProtocolBufferException e) {
        return ValidationResult.fail(TxCode.MALFORMED, "not a deltachain TxEnvelope: " + e.getMessage());
      }
      if (!env.getUnknownFields().asMap().isEmpty()) {
        return ValidationResult.fail(TxCode.MALFORMED,
            "not a deltachain TxEnvelope: unknown fields " + env.getUnknownFields().asMap().keySet());
      }
      if (env.getSignerPubKey().size() != Ed25519.PUBLIC_KEY_LENGTH) {
        return ValidationResult.fail(TxCode.MALFORMED,
            "signer_pub_key must be a 32-byte Ed25519 key, got " + env.getSignerPubKey().size() + " bytes");
      }
      if (env.getBodyType() == BodyType.BODY_TYPE_UNSPECIFIED || env.getBodyType() == BodyType.UNRECOGNIZED) {
        return ValidationResult.fail(TxCode.MALFORMED, "body_type is missing or unknown (" + env.getBodyTypeValue() + ")");
      }
      if (env.getNonce() == 0) {
        return ValidationResult.fail(TxCode.MALFORMED, "nonce must be at least 1");
      }
      tx.envelope = env;
      tx.signer = NodeKey.addressOf(env.getSignerPubKey().toByteArray());
      return ValidationResult.OK;
    };
  }

  /** The envelope must be signed for this chain. */
  static TxRule chainId(Supplier<String> chainId) {
    return tx -> {
      String expected = chainId.get();
      if (expected == null) {
        return ValidationResult.fail(TxCode.WRONG_CHAIN_ID, "the chain has not been initialized yet");
      }
      return expected.equals(tx.envelope.getChainId())
          ? ValidationResult.OK
          : ValidationResult.fail(TxCode.WRONG_CHAIN_ID,
              "signed for chain '" + tx.envelope.getChainId() + "', this is chain '" + expected + "'");
    };
  }

  /** The Ed25519 signature over the domain tag, chain id, body type and body bytes. */
  static TxRule signature() {
    return tx -> {
      if (tx.envelope.getSignature().size() != Ed25519.SIGNATURE_LENGTH) {
        return ValidationResult.fail(TxCode.BAD_SIGNATURE,
            "signature must be 64 bytes, got " + tx.envelope.getSignature().size());
      }
      return SignatureVerifier.valid(tx.envelope)
          ? ValidationResult.OK
          : ValidationResult.fail(TxCode.BAD_SIGNATURE,
              "signature does not verify for signer " + Keys.addr(tx.signer));
    };
  }

  /** Parses the body as its declared type and checks field ranges ({@link BodySchemas}). */
  static TxRule body(Supplier<LedgerParams> params) {
    return tx -> {
      Message body;
      try {
        body = switch (tx.envelope.getBodyType()) {
          case REGISTER_NODE -> RegisterNode.parseFrom(tx.envelope.getBody());
          case START_ROUND -> StartRound.parseFrom(tx.envelope.getBody());
          case SUBMIT_DELTA -> SubmitDelta.parseFrom(tx.envelope.getBody());
          case VERDICT_BATCH -> VerdictBatch.parseFrom(tx.envelope.getBody());
          case PROPOSE_CHECKPOINT -> ProposeCheckpoint.parseFrom(tx.envelope.getBody());
          case CHECKPOINT_VOTE -> CheckpointVote.parseFrom(tx.envelope.getBody());
          case FINALIZE_ROUND -> FinalizeRound.parseFrom(tx.envelope.getBody());
          case ROLLBACK -> Rollback.parseFrom(tx.envelope.getBody());
          case DISPUTE -> Dispute.parseFrom(tx.envelope.getBody());
          case BODY_TYPE_UNSPECIFIED, UNRECOGNIZED -> null;
        };
      } catch (InvalidProtocolBufferException e) {
        return ValidationResult.fail(TxCode.INVALID_BODY,
            "body does not parse as " + tx.envelope.getBodyType() + ": " + e.getMessage());
      }
      if (body == null) {
        return ValidationResult.fail(TxCode.MALFORMED, "unknown body type");
      }
      if (!body.getUnknownFields().asMap().isEmpty()) {
        return ValidationResult.fail(TxCode.INVALID_BODY,
            tx.envelope.getBodyType() + " body has unknown fields " + body.getUnknownFields().asMap().keySet());
      }
      ValidationResult r = BodySchemas.check(body, params.get());
      if (r.ok()) {
        tx.body = body;
      }
      return r;
    };
  }
}
