package io.deltachain.core.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TxsTest {
  private static final NodeKey KEY = NodeKey.generate();

  @Test
  @DisplayName("every body type in the schema has a body message, and its class maps back to it")
  void everyBodyTypeIsMapped() {
    EnumSet<BodyType> expected = EnumSet.allOf(BodyType.class);
    expected.remove(BodyType.BODY_TYPE_UNSPECIFIED);
    expected.remove(BodyType.UNRECOGNIZED);
    assertThat(Txs.knownBodyTypes()).containsExactlyInAnyOrderElementsOf(expected);
    for (BodyType type : expected) {
      TxEnvelope env = TxEnvelope.newBuilder().setBodyType(type).build();
      Message body = assertDoesNotThrow(env);
      assertThat(Txs.bodyTypeOf(body.getClass())).isEqualTo(type);
    }
  }

  @Test
  @DisplayName("bodyOf returns the parsed body message of the declared type")
  void bodyOfParses() throws Exception {
    SubmitDelta delta = SubmitDelta.newBuilder().setRoundId("r1").setLayer("model.layers.0").setTokens(1234).build();
    TxEnvelope env = TxEnvelopes.sign(KEY, "c", 1, delta);
    assertThat(Txs.bodyOf(env)).isEqualTo(delta);
    assertThat(Txs.bodyOf(env, SubmitDelta.class).getTokens()).isEqualTo(1234);
    assertThatThrownBy(() -> Txs.bodyOf(env, FinalizeRound.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a FINALIZE_ROUND transaction, got SUBMIT_DELTA (3)");
  }

  @Test
  @DisplayName("bodyOf refuses unspecified and unknown body types, naming them")
  void bodyOfUnknownType() {
    assertThatThrownBy(() -> Txs.bodyOf(TxEnvelope.newBuilder().build()))
        .hasMessageContaining("unknown body type BODY_TYPE_UNSPECIFIED (0)");
    assertThatThrownBy(() -> Txs.bodyOf(TxEnvelope.newBuilder().setBodyTypeValue(99).build()))
        .hasMessageContaining("unknown body type 99");
    assertThatThrownBy(() -> Txs.bodyTypeOf(TxEnvelope.class)).hasMessageContaining("not a transaction body");
  }

  @Test
  @DisplayName("the transaction hash is CometBFT's: SHA-256 of the raw bytes")
  void txHash() {
    byte[] tx = "hello world".getBytes(StandardCharsets.US_ASCII);
    assertThat(Txs.txHash(tx).hex()).isEqualTo("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    assertThat(Txs.txHashHex(tx)).isEqualTo("B94D27B9934D3E08A52E52D7DA7DABFAC484EFE37A5380EE9088F7ACE2EFCDE9");
    byte[] other = Arrays.copyOf(tx, tx.length);
    other[0] ^= 1;
    assertThat(Txs.txHash(other)).isNotEqualTo(Txs.txHash(tx));
  }

  @Test
  @DisplayName("a body of the wrong shape fails to parse with a protobuf error")
  void malformedBody() {
    TxEnvelope env = TxEnvelope.newBuilder().setBodyType(BodyType.SUBMIT_DELTA)
        .setBody(ByteString.copyFrom(new byte[] {0x0a, 0x05, 'a'})).build();
    assertThatThrownBy(() -> Txs.bodyOf(env)).isInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
  }

  private static Message assertDoesNotThrow(TxEnvelope env) {
    try {
      return Txs.bodyOf(env);
    } catch (Exception e) {
      throw new AssertionError("no body message for " + env.getBodyType(), e);
    }
  }
}
