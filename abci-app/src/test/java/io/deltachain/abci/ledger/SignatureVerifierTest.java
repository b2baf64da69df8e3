package io.deltachain.abci.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.TxEnvelope;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {
  @Test
  @DisplayName("the Bouncy Castle verifier agrees with the JDK on valid, forged, truncated and foreign signatures")
  void agreesWithJdk() {
    Random random = new Random(11);
    for (int i = 0; i < 60; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      NodeKey key = NodeKey.fromSeed(seed);
      TxEnvelope env = TxEnvelopes.sign(key, "chain-" + i, i + 1, BodyType.FINALIZE_ROUND,
          FinalizeRound.newBuilder().setRoundId("r" + i).setReason("x".repeat(i)).build());
      assertThat(SignatureVerifier.valid(env)).isTrue().isEqualTo(TxEnvelopes.signatureValid(env));

      byte[] sig = env.getSignature().toByteArray();
      sig[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
      TxEnvelope flipped = env.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
      assertThat(SignatureVerifier.valid(flipped)).isFalse().isEqualTo(TxEnvelopes.signatureValid(flipped));

      TxEnvelope otherChain = env.toBuilder().setChainId("other").build();
      assertThat(SignatureVerifier.valid(otherChain)).isFalse().isEqualTo(TxEnvelopes.signatureValid(otherChain));

      TxEnvelope shortSig = env.toBuilder().setSignature(ByteString.copyFrom(sig, 0, 63)).build();
      assertThat(SignatureVerifier.valid(shortSig)).isFalse().isEqualTo(TxEnvelopes.signatureValid(shortSig));

      byte[] junkKey = new byte[32];
      random.nextBytes(junkKey);
      TxEnvelope foreign = env.toBuilder().setSignerPubKey(ByteString.copyFrom(junkKey)).build();
      assertThat(SignatureVerifier.valid(foreign)).isFalse().isEqualTo(TxEnvelopes.signatureValid(foreign));
    }
    // S >= L (non-canonical): both refuse.
    NodeKey key = NodeKey.fromSeed(new byte[32]);
    TxEnvelope env = TxEnvelopes.sign(key, "c", 1, BodyType.FINALIZE_ROUND, FinalizeRound.newBuilder().setRoundId("r").build());
    byte[] sig = env.getSignature().toByteArray();
    for (int i = 32; i < 64; i++) {
      sig[i] = (byte) 0xff;
    }
    TxEnvelope big = env.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
    assertThat(SignatureVerifier.valid(big)).isFalse().isEqualTo(TxEnvelopes.signatureValid(big));
  }
}
