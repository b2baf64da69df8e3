package io.deltachain.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Ed25519Test {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 8032 section 7.1, TEST 1 (empty message)
  private static final byte[] SEED_1 = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final String PUBLIC_1 = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String SIGNATURE_1 = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
  // RFC 8032 section 7.1, TEST 2 (one-byte message 0x72)
  private static final byte[] SEED_2 = HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  private static final String PUBLIC_2 = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
  private static final String SIGNATURE_2 = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

  @Test
  @DisplayName("RFC 8032 test 1: the seed gives the published public key and empty-message signature")
  void rfc8032Test1() {
    KeyPair kp = Ed25519.keyPairFromSeed(SEED_1);
    assertThat(HEX.formatHex(Ed25519.rawPublicKey(kp.getPublic()))).isEqualTo(PUBLIC_1);
    assertThat(Ed25519.rawSeed(kp.getPrivate())).isEqualTo(SEED_1);
    byte[] sig = Ed25519.sign(kp.getPrivate(), new byte[0]);
    assertThat(HEX.formatHex(sig)).isEqualTo(SIGNATURE_1);
    assertThat(Ed25519.verify(HEX.parseHex(PUBLIC_1), new byte[0], HEX.parseHex(SIGNATURE_1))).isTrue();
    // A private key built from the raw seed alone signs identically.
    assertThat(HEX.formatHex(Ed25519.sign(Ed25519.privateKey(SEED_1), new byte[0]))).isEqualTo(SIGNATURE_1);
  }

  @Test
  @DisplayName("RFC 8032 test 2: a one-byte message signs to the published signature")
  void rfc8032Test2() {
    KeyPair kp = Ed25519.keyPairFromSeed(SEED_2);
    assertThat(HEX.formatHex(Ed25519.rawPublicKey(kp.getPublic()))).isEqualTo(PUBLIC_2);
    assertThat(HEX.formatHex(Ed25519.sign(kp.getPrivate(), new byte[] {0x72}))).isEqualTo(SIGNATURE_2);
    assertThat(Ed25519.verify(HEX.parseHex(PUBLIC_2), new byte[] {0x72}, HEX.parseHex(SIGNATURE_2))).isTrue();
  }

  @Test
  @DisplayName("a tampered message, signature or key fails verification")
  void tamperingFails() {
    byte[] pub = HEX.parseHex(PUBLIC_1);
    byte[] msg = "round r1, layer 3".getBytes(StandardCharsets.UTF_8);
    byte[] sig = Ed25519.sign(Ed25519.privateKey(SEED_1), msg);
    assertThat(Ed25519.verify(pub, msg, sig)).isTrue();

    byte[] otherMsg = msg.clone();
    otherMsg[0] ^= 1;
    assertThat(Ed25519.verify(pub, otherMsg, sig)).isFalse();
    for (int i : new int[] {0, 31, 32, 63}) {
      byte[] badSig = sig.clone();
      badSig[i] ^= 0x01;
      assertThat(Ed25519.verify(pub, msg, badSig)).as("signature byte %d flipped", i).isFalse();
    }
    assertThat(Ed25519.verify(HEX.parseHex(PUBLIC_2), msg, sig)).isFalse();
  }

  @Test
  @DisplayName("a signature with S + L (the malleable twin) is rejected")
  void rejectsNonCanonicalS() {
    byte[] pub = HEX.parseHex(PUBLIC_1);
    byte[] sig = HEX.parseHex(SIGNATURE_1);
    BigInteger l = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    BigInteger s = new BigInteger(1, reverse(Arrays.copyOfRange(sig, 32, 64)));
    byte[] twinS = reverse(toFixed32(s.add(l)));
    byte[] twin = Arrays.copyOf(sig, 64);
    System.arraycopy(twinS, 0, twin, 32, 32);
    assertThat(Ed25519.verify(pub, new byte[0], twin)).isFalse();
  }

  @Test
  @DisplayName("malformed keys, signatures and messages verify as false instead of throwing")
  void malformedInputsAreFalse() {
    byte[] pub = HEX.parseHex(PUBLIC_1);
    byte[] sig = HEX.parseHex(SIGNATURE_1);
    assertThat(Ed25519.verify(null, new byte[0], sig)).isFalse();
    assertThat(Ed25519.verify(new byte[31], new byte[0], sig)).isFalse();
    assertThat(Ed25519.verify(pub, null, sig)).isFalse();
    assertThat(Ed25519.verify(pub, new byte[0], null)).isFalse();
    assertThat(Ed25519.verify(pub, new byte[0], Arrays.copyOf(sig, 63))).isFalse();
    assertThat(Ed25519.verify(pub, new byte[0], new byte[64])).isFalse();
    // 0xff.. is not a point encoding on the curve
    byte[] notAPoint = new byte[32];
    Arrays.fill(notAPoint, (byte) 0xff);
    assertThat(Ed25519.verify(notAPoint, new byte[0], sig)).isFalse();
  }

  @Test
  @DisplayName("wrong-length seeds and public keys are rejected with the length named")
  void wrongLengths() {
    assertThatThrownBy(() -> Ed25519.keyPairFromSeed(new byte[31])).hasMessageContaining("32 bytes, got 31");
    assertThatThrownBy(() -> Ed25519.privateKey(new byte[33])).hasMessageContaining("32 bytes, got 33");
    assertThatThrownBy(() -> Ed25519.publicKey(new byte[0])).hasMessageContaining("32 bytes, got 0");
  }

  private static byte[] reverse(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  private static byte[] toFixed32(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, out, 32 - len, len);
    return out;
  }
}
