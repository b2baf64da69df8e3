package io.deltachain.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeKeyTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] RFC_SEED = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

  @Test
  @DisplayName("the same seed always gives the same key, address and signatures")
  void seedDeterminism() {
    NodeKey a = NodeKey.fromSeed(RFC_SEED);
    NodeKey b = NodeKey.fromSeed(RFC_SEED.clone());
    assertThat(HEX.formatHex(a.publicKey())).isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    assertThat(b.publicKey()).isEqualTo(a.publicKey());
    assertThat(b.address()).isEqualTo(a.address());
    assertThat(a.seed()).isEqualTo(RFC_SEED);
    byte[] msg = "x".getBytes(StandardCharsets.UTF_8);
    assertThat(b.sign(msg)).isEqualTo(a.sign(msg));
    assertThat(HEX.formatHex(a.sign(new byte[0])))
        .isEqualTo("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  }

  @Test
  @DisplayName("the address is the first 20 bytes of SHA-256 of the public key, in uppercase hex")
  void addressIsTruncatedSha256() throws Exception {
    NodeKey key = NodeKey.fromSeed(RFC_SEED);
    byte[] expected = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.publicKey()), 20);
    assertThat(key.address()).isEqualTo(expected);
    assertThat(key.addressHex()).isEqualTo(HEX.withUpperCase().formatHex(expected)).hasSize(40);
    assertThat(NodeKey.addressHexOf(key.publicKey())).isEqualTo(key.addressHex());
    assertThat(key.toString()).contains(key.addressHex());
  }

  @Test
  @DisplayName("generated keys differ, sign and verify, and reject tampering")
  void generatedKeysSignAndVerify() {
    NodeKey a = NodeKey.generate();
    NodeKey b = NodeKey.generate();
    assertThat(a.publicKey()).isNotEqualTo(b.publicKey());
    byte[] msg = "submit delta".getBytes(StandardCharsets.UTF_8);
    byte[] sig = a.sign(msg);
    assertThat(a.verify(msg, sig)).isTrue();
    assertThat(Ed25519.verify(a.publicKey(), msg, sig)).isTrue();
    assertThat(b.verify(msg, sig)).isFalse();
    byte[] tampered = msg.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThat(a.verify(tampered, sig)).isFalse();
    // A key rebuilt from the generated key's seed is the same identity.
    assertThat(NodeKey.fromSeed(a.seed()).publicKey()).isEqualTo(a.publicKey());
  }

  @Test
  @DisplayName("accessors hand out copies, so callers cannot change the key")
  void defensiveCopies() {
    NodeKey key = NodeKey.fromSeed(RFC_SEED);
    key.publicKey()[0] ^= 1;
    key.seed()[0] ^= 1;
    assertThat(HEX.formatHex(key.publicKey())).startsWith("d75a98");
    assertThat(key.seed()).isEqualTo(RFC_SEED);
  }

  @Test
  @DisplayName("an address of a wrong-length public key is refused with the length named")
  void addressOfWrongLength() {
    assertThatThrownBy(() -> NodeKey.addressOf(new byte[33])).hasMessageContaining("got 33 bytes");
    assertThatThrownBy(() -> NodeKey.addressOf(null)).hasMessageContaining("got null");
  }
}
