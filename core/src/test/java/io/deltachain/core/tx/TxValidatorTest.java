package io.deltachain.core.tx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.ValidationResult.Reason;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TxValidatorTest {
  private static final String CHAIN = "deltachain-test";
  private static final NodeKey KEY = NodeKey.generate();
  private static final TxValidator VALIDATOR = new TxValidator(CHAIN);
  private static final SubmitDelta DELTA = SubmitDelta.newBuilder()
      .setRoundId("r1").setLayer("model.layers.3")
      .setBaseHash(ByteString.copyFrom(new byte[32])).setContentHash(ByteString.copyFrom(new byte[32]))
      .setSizeBytes(1024).setTokens(4096).setLossBeforeMicro(2_500_000).setLossAfterMicro(2_400_000).build();

  private static TxEnvelope signed(String chain, long nonce, BodyType type, ByteString body) {
    return TxEnvelopes.sign(KEY, chain, nonce, type, body);
  }

  private static byte[] valid() {
    return signed(CHAIN, 1, BodyType.SUBMIT_DELTA, DELTA.toByteString()).toByteArray();
  }

  @Test
  @DisplayName("a well-formed signed transaction is valid and comes back parsed")
  void validTransaction() {
    ValidationResult r = VALIDATOR.validate(valid());
    assertThat(r.isValid()).as(r.message()).isTrue();
    assertThat(r.code()).isZero();
    assertThat(r.body()).isEqualTo(DELTA);
    assertThat(r.envelope().getNonce()).isEqualTo(1);
  }

  /** CheckTx cases as a table: a name, the transaction bytes, the expected reason and message. */
  static Stream<Arguments> invalidTransactions() {
    Map<String, Object[]> cases = new LinkedHashMap<>();
    cases.put("empty", row(() -> new byte[0], Reason.MALFORMED_ENVELOPE, "empty transaction"));
    cases.put("one byte over the limit", row(() -> new byte[TxLimits.MAX_TX_BYTES + 1], Reason.TX_TOO_LARGE,
        "the limit is " + TxLimits.MAX_TX_BYTES));
    cases.put("random bytes", row(() -> new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02}, Reason.MALFORMED_ENVELOPE,
        "not a TxEnvelope"));
    cases.put("truncated", row(() -> Arrays.copyOf(valid(), valid().length - 5), Reason.MALFORMED_ENVELOPE,
        "not a TxEnvelope"));
    cases.put("unknown envelope field", row(() -> append(valid(), 15, 1), Reason.MALFORMED_ENVELOPE,
        "envelope has unknown field(s) [15]"));
    cases.put("fields out of order", row(TxValidatorTest::reordered, Reason.NON_CANONICAL_ENCODING,
        "not canonically encoded"));
    cases.put("wrong chain id", row(() -> signed("other-chain", 1, BodyType.SUBMIT_DELTA, DELTA.toByteString()).toByteArray(),
        Reason.WRONG_CHAIN_ID, "chain id is 'other-chain', this chain is 'deltachain-test'"));
    cases.put("signed for chain A, claims this chain", row(
        () -> signed("chain-a", 1, BodyType.SUBMIT_DELTA, DELTA.toByteString()).toBuilder().setChainId(CHAIN).build().toByteArray(),
        Reason.INVALID_SIGNATURE, "signature does not verify"));
    cases.put("nonce 0", row(() -> signed(CHAIN, 0, BodyType.SUBMIT_DELTA, DELTA.toByteString()).toByteArray(),
        Reason.INVALID_NONCE, "nonces start at 1"));
    cases.put("nonce changed (replay)", row(() -> envelope().toBuilder().setNonce(2).build().toByteArray(),
        Reason.INVALID_SIGNATURE, "signature does not verify"));
    cases.put("unspecified body type", row(() -> signed(CHAIN, 1, BodyType.BODY_TYPE_UNSPECIFIED, DELTA.toByteString()).toByteArray(),
        Reason.UNKNOWN_BODY_TYPE, "BODY_TYPE_UNSPECIFIED (0)"));
    cases.put("body type from a newer schema", row(
        () -> envelope().toBuilder().setBodyTypeValue(42).build().toByteArray(), Reason.UNKNOWN_BODY_TYPE, "unknown body type 42"));
    cases.put("body is not its type's message", row(
        () -> signed(CHAIN, 1, BodyType.SUBMIT_DELTA, ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x01})).toByteArray(),
        Reason.MALFORMED_BODY, "body is not a valid SUBMIT_DELTA"));
    cases.put("body type changed to one that cannot hold the body", row(
        () -> envelope().toBuilder().setBodyType(BodyType.CHECKPOINT_VOTE).build().toByteArray(),
        Reason.MALFORMED_BODY, "fields that message does not define: CheckpointVote [4, 7, 10, 11, 12]"));
    cases.put("body type changed to one that parses the same bytes", row(TxValidatorTest::lookalikeBodyType,
        Reason.INVALID_SIGNATURE, "signature does not verify"));
    cases.put("unknown field nested in the body", row(TxValidatorTest::nestedUnknownField,
        Reason.MALFORMED_BODY, "StartRound.assignments [99]"));
    cases.put("body tampered", row(
        () -> envelope().toBuilder().setBody(DELTA.toBuilder().setTokens(9999).build().toByteString()).build().toByteArray(),
        Reason.INVALID_SIGNATURE, "signature does not verify"));
    cases.put("signature tampered", row(() -> {
      byte[] sig = envelope().getSignature().toByteArray();
      sig[0] ^= 0x40;
      return envelope().toBuilder().setSignature(ByteString.copyFrom(sig)).build().toByteArray();
    }, Reason.INVALID_SIGNATURE, "signature does not verify"));
    cases.put("signature missing", row(() -> envelope().toBuilder().clearSignature().build().toByteArray(),
        Reason.INVALID_SIGNATURE, "signature does not verify"));
    cases.put("signer key of 31 bytes", row(
        () -> envelope().toBuilder().setSignerPubKey(ByteString.copyFrom(new byte[31])).build().toByteArray(),
        Reason.INVALID_SIGNER_KEY, "signer key is 31 bytes"));
    cases.put("another signer's key", row(
        () -> envelope().toBuilder().setSignerPubKey(ByteString.copyFrom(NodeKey.generate().publicKey())).build().toByteArray(),
        Reason.INVALID_SIGNATURE, "signature does not verify"));
    return cases.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("invalidTransactions")
  @DisplayName("invalid transactions are rejected with a stable reason and a message naming the problem")
  void rejects(String name, Supplier<byte[]> tx, Reason reason, String message) {
    ValidationResult r = VALIDATOR.validate(tx.get());
    assertThat(r.reason()).as(r.message()).isEqualTo(reason);
    assertThat(r.message()).contains(message);
    assertThat(r.isValid()).isFalse();
    assertThat(r.body()).isNull();
  }

  @Test
  @DisplayName("an inline delta at the inline threshold still fits a valid transaction")
  void inlineDeltaAtThresholdFits() {
    SubmitDelta big = DELTA.toBuilder().setInlineDelta(ByteString.copyFrom(new byte[TxLimits.INLINE_DELTA_MAX_BYTES])).build();
    byte[] tx = TxEnvelopes.sign(KEY, CHAIN, 1, big).toByteArray();
    assertThat(tx.length).isLessThanOrEqualTo(TxLimits.MAX_TX_BYTES);
    assertThat(VALIDATOR.validate(tx).isValid()).isTrue();
  }

  @Test
  @DisplayName("random bytes and every truncation of a valid transaction are rejected without throwing")
  void fuzzNeverThrowsNeverAccepts() {
    Random random = new Random(7);
    for (int i = 0; i < 3000; i++) {
      byte[] junk = new byte[random.nextInt(200)];
      random.nextBytes(junk);
      assertThat(VALIDATOR.validate(junk).isValid()).isFalse();
    }
    byte[] tx = valid();
    for (int len = 0; len < tx.length; len++) {
      assertThat(VALIDATOR.validate(Arrays.copyOf(tx, len)).isValid()).as("prefix of %d bytes", len).isFalse();
    }
    for (int i = 0; i < tx.length; i++) {
      byte[] flipped = tx.clone();
      flipped[i] ^= (byte) (1 << random.nextInt(8));
      assertThat(VALIDATOR.validate(flipped).isValid()).as("bit flipped in byte %d", i).isFalse();
    }
  }

  @Test
  @DisplayName("reason codes are the stable numbers the ABCI app returns")
  void reasonCodesAreStable() {
    Map<Reason, Integer> expected = new LinkedHashMap<>();
    expected.put(Reason.OK, 0);
    expected.put(Reason.TX_TOO_LARGE, 1);
    expected.put(Reason.MALFORMED_ENVELOPE, 2);
    expected.put(Reason.NON_CANONICAL_ENCODING, 3);
    expected.put(Reason.UNKNOWN_BODY_TYPE, 4);
    expected.put(Reason.MALFORMED_BODY, 5);
    expected.put(Reason.WRONG_CHAIN_ID, 6);
    expected.put(Reason.INVALID_NONCE, 7);
    expected.put(Reason.INVALID_SIGNER_KEY, 8);
    expected.put(Reason.INVALID_SIGNATURE, 9);
    assertThat(Reason.values()).hasSize(expected.size());
    expected.forEach((reason, code) -> assertThat(reason.code()).as(reason.name()).isEqualTo(code));
  }

  @Test
  @DisplayName("an already-parsed envelope is checked by the same rules")
  void validatesParsedEnvelope() {
    assertThat(VALIDATOR.validate(envelope()).isValid()).isTrue();
    assertThat(new TxValidator("other").validate(envelope()).reason()).isEqualTo(Reason.WRONG_CHAIN_ID);
  }

  // --- builders of bad transactions ---

  private static Object[] row(Supplier<byte[]> tx, Reason reason, String message) {
    return new Object[] {tx, reason, message};
  }

  private static TxEnvelope envelope() {
    return signed(CHAIN, 1, BodyType.SUBMIT_DELTA, DELTA.toByteString());
  }

  private static byte[] append(byte[] tx, int field, long value) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(tx);
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      c.writeUInt64(field, value);
      c.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  // The same fields, signature first: parses to an equal envelope but is not its canonical encoding.
  private static byte[] reordered() {
    TxEnvelope env = envelope();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      c.writeBytes(6, env.getSignature());
      c.writeBytes(1, env.getSignerPubKey());
      c.writeUInt64(2, env.getNonce());
      c.writeString(3, env.getChainId());
      c.writeEnum(4, env.getBodyTypeValue());
      c.writeBytes(5, env.getBody());
      c.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  // SubmitDelta fields 1-3 (string, string, bytes) have the wire shape of CheckpointVote's, so the
  // body parses cleanly as the other type; only the signature catches the relabelling.
  private static byte[] lookalikeBodyType() {
    SubmitDelta small = SubmitDelta.newBuilder().setRoundId("r1").setLayer("model.layers.3")
        .setBaseHash(ByteString.copyFrom(new byte[32])).build();
    TxEnvelope env = signed(CHAIN, 1, BodyType.SUBMIT_DELTA, small.toByteString());
    return env.toBuilder().setBodyType(BodyType.CHECKPOINT_VOTE).build().toByteArray();
  }

  private static byte[] nestedUnknownField() {
    Assignment a = Assignment.newBuilder().setFirstLayer(0).setLastLayer(3).setPrecision("fp32")
        .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
            .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())
        .build();
    StartRound round = StartRound.newBuilder().setRoundId("r1").addAssignments(a).build();
    return signed(CHAIN, 1, BodyType.START_ROUND, round.toByteString()).toByteArray();
  }
}
