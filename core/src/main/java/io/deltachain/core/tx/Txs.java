package io.deltachain.core.tx;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.deltachain.core.content.ContentHash;
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
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The mapping between {@link BodyType}s and body messages, and transaction hashes.
 *
 * <p>Every body type but {@code BODY_TYPE_UNSPECIFIED} maps to exactly one message class; a
 * unit test fails when the schema gains a type this table lacks.
 */
public final class Txs {
  private static final Map<BodyType, Parser<? extends Message>> PARSERS = new EnumMap<>(BodyType.class);
  private static final Map<Class<? extends Message>, BodyType> TYPES = new HashMap<>();

  static {
    register(BodyType.REGISTER_NODE, RegisterNode.class, RegisterNode.parser());
    register(BodyType.START_ROUND, StartRound.class, StartRound.parser());
    register(BodyType.SUBMIT_DELTA, SubmitDelta.class, SubmitDelta.parser());
    register(BodyType.VERDICT_BATCH, VerdictBatch.class, VerdictBatch.parser());
    register(BodyType.PROPOSE_CHECKPOINT, ProposeCheckpoint.class, ProposeCheckpoint.parser());
    register(BodyType.FINALIZE_ROUND, FinalizeRound.class, FinalizeRound.parser());
    register(BodyType.ROLLBACK, Rollback.class, Rollback.parser());
    register(BodyType.DISPUTE, Dispute.class, Dispute.parser());
    register(BodyType.CHECKPOINT_VOTE, CheckpointVote.class, CheckpointVote.parser());
  }

  private Txs() {}

  private static <T extends Message> void register(BodyType type, Class<T> cls, Parser<T> parser) {
    PARSERS.put(type, parser);
    TYPES.put(cls, type);
  }

  /** The body types that carry a body message (all but {@code BODY_TYPE_UNSPECIFIED}). */
  public static Set<BodyType> knownBodyTypes() {
    return Collections.unmodifiableSet(PARSERS.keySet());
  }

  /** True when {@code type} names a body message. */
  public static boolean isKnown(BodyType type) {
    return PARSERS.containsKey(type);
  }

  /**
   * The body type of a body message class.
   *
   * @throws IllegalArgumentException for a class that is not a transaction body
   */
  public static BodyType bodyTypeOf(Class<? extends Message> bodyClass) {
    BodyType t = TYPES.get(bodyClass);
    if (t == null) {
      throw new IllegalArgumentException(bodyClass.getName() + " is not a transaction body message");
    }
    return t;
  }

  /**
   * Parses the envelope's body as the message its body type names.
   *
   * @throws IllegalArgumentException when the body type is unspecified or unknown
   * @throws InvalidProtocolBufferException when the bytes are not a valid message of that type
   */
  public static Message bodyOf(TxEnvelope env) throws InvalidProtocolBufferException {
    BodyType type = env.getBodyType();
    Parser<? extends Message> parser = PARSERS.get(type);
    if (parser == null) {
      throw new IllegalArgumentException("unknown body type " + describe(env));
    }
    return parser.parseFrom(env.getBody());
  }

  /**
   * Parses the envelope's body as {@code expected}, checking the declared body type first.
   *
   * @throws IllegalArgumentException when the envelope declares a different body type
   */
  public static <T extends Message> T bodyOf(TxEnvelope env, Class<T> expected) throws InvalidProtocolBufferException {
    BodyType want = bodyTypeOf(expected);
    if (env.getBodyType() != want) {
      throw new IllegalArgumentException("expected a " + want + " transaction, got " + describe(env));
    }
    return expected.cast(bodyOf(env));
  }

  /** CometBFT's transaction hash: SHA-256 of the raw transaction bytes. */
  public static ContentHash txHash(byte[] tx) {
    return ContentHash.sha256(tx);
  }

  /** CometBFT's transaction hash in the uppercase hex its RPC prints and {@code /tx?hash=0x..} takes. */
  public static String txHashHex(byte[] tx) {
    return txHash(tx).hex().toUpperCase(java.util.Locale.ROOT);
  }

  static String describe(TxEnvelope env) {
    return env.getBodyType() == BodyType.UNRECOGNIZED
        ? String.valueOf(env.getBodyTypeValue())
        : env.getBodyType() + " (" + env.getBodyTypeValue() + ")";
  }
}
