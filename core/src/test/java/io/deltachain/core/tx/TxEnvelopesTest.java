package io.deltachain.core.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.CheckpointVote;
import io.deltachain.core.tx.proto.TxEnvelope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TxEnvelopesTest {
  private static final NodeKey KEY = NodeKey.fromSeed(
      HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  private static final CheckpointVote VOTE = CheckpointVote.newBuilder()
      .setRoundId("r1").setLayer("model.layers.3").setCheckpointHash(ByteString.copyFrom(new byte[32])).build();

  @Test
  @DisplayName("a signed envelope carries its fields and verifies")
  void signAndVerify() {
    TxEnvelope env = TxEnvelopes.sign(KEY, "deltachain-test", 7, BodyType.CHECKPOINT_VOTE, VOTE);
    assertThat(env.getSignerPubKey().toByteArray()).isEqualTo(KEY.publicKey());
    assertThat(env.getNonce()).isEqualTo(7);
    assertThat(env.getChainId()).isEqualTo("deltachain-test");
    assertThat(env.getBody()).isEqualTo(VOTE.toByteString());
    assertThat(env.getSignature().size()).isEqualTo(64);
    assertThat(TxEnvelopes.signatureValid(env)).isTrue();
    // The body type can be taken from the body's class.
    assertThat(TxEnvelopes.sign(KEY, "deltachain-test", 7, VOTE)).isEqualTo(env);
  }

  @Test
  @DisplayName("changing any signed field invalidates the signature")
  void everyFieldIsCovered() {
    TxEnvelope env = TxEnvelopes.sign(KEY, "chain-a", 5, BodyType.CHECKPOINT_VOTE, VOTE);
    byte[] sig = env.getSignature().toByteArray();
    sig[10] ^= 1;
    assertThat(TxEnvelopes.signatureValid(env.toBuilder().setSignature(ByteString.copyFrom(sig)).build()))
        .as("signature").isFalse();
    assertThat(TxEnvelopes.signatureValid(env.toBuilder().setChainId("chain-b").build())).as("chain id").isFalse();
    assertThat(TxEnvelopes.signatureValid(env.toBuilder().setNonce(6).build())).as("nonce (replay)").isFalse();
    assertThat(TxEnvelopes.signatureValid(env.toBuilder().setBodyType(BodyType.FINALIZE_ROUND).build())).as("body type").isFalse();
    assertThat(TxEnvelopes.signatureValid(env.toBuilder().setBody(VOTE.toBuilder().setRoundId("r2").build().toByteString()).build()))
        .as("body").isFalse();
    assertThat(TxEnvelopes.signatureValid(env.toBuilder().setSignerPubKey(ByteString.copyFrom(NodeKey.generate().publicKey())).build()))
        .as("signer key").isFalse();
    assertThat(TxEnvelopes.signatureValid(env.toBuilder().setSignerPubKey(ByteString.copyFrom(new byte[5])).build()))
        .as("short signer key").isFalse();
  }

  @Test
  @DisplayName("the signed bytes follow the documented layout")
  void signedBytesLayout() {
    byte[] pub = KEY.publicKey();
    ByteString body = ByteString.copyFromUtf8("BODY");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes("deltachain-tx-v1".getBytes(StandardCharsets.US_ASCII));
    expected.write(0);
    expected.writeBytes(new byte[] {0, 0, 0, 3});
    expected.writeBytes("abc".getBytes(StandardCharsets.UTF_8));
    expected.writeBytes(new byte[] {0, 0, 0, 9});
    expected.writeBytes(pub);
    expected.writeBytes(new byte[] {0, 0, 0, 1, 0, 0, 0, 2});
    expected.writeBytes("BODY".getBytes(StandardCharsets.US_ASCII));
    assertThat(TxEnvelopes.signedBytes(pub, (1L << 32) | 2, "abc", BodyType.CHECKPOINT_VOTE, body))
        .isEqualTo(expected.toByteArray());
  }

  @Test
  @DisplayName("truncated envelope bytes fail to parse with InvalidProtocolBufferException")
  void truncatedBytesDoNotParse() {
    byte[] tx = TxEnvelopes.sign(KEY, "chain-a", 1, BodyType.CHECKPOINT_VOTE, VOTE).toByteArray();
    // Cut inside the trailing 64-byte signature field.
    byte[] cut = Arrays.copyOf(tx, tx.length - 10);
    assertThatThrownBy(() -> TxEnvelopes.parse(cut)).isInstanceOf(InvalidProtocolBufferException.class);
  }
}
