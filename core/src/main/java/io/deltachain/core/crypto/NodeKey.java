package io.deltachain.core.crypto;

import io.deltachain.core.content.ContentHash;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A node's Ed25519 identity: signs transactions; its address is the first 20 bytes of
 * SHA-256(public key), exactly as CometBFT computes validator addresses.
 */
public final class NodeKey {
  /** Address length in bytes. */
  public static final int ADDRESS_LENGTH = 20;

  private final PrivateKey privateKey;
  private final byte[] publicKey;

  private NodeKey(PrivateKey privateKey, byte[] publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** A fresh random key. */
  public static NodeKey generate() {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new NodeKey(kp.getPrivate(), Ed25519.rawPublicKey(kp.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** The key with this 32-byte seed (deterministic: same seed, same key). */
  public static NodeKey fromSeed(byte[] seed) {
    KeyPair kp = Ed25519.keyPairFromSeed(seed);
    return new NodeKey(kp.getPrivate(), Ed25519.rawPublicKey(kp.getPublic()));
  }

  /** The raw 32-byte public key (a copy). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The 32-byte seed (a copy); handle with care. */
  public byte[] seed() {
    return Ed25519.rawSeed(privateKey);
  }

  /** The 20-byte address. */
  public byte[] address() {
    return addressOf(publicKey);
  }

  /** The address as uppercase hex, as CometBFT prints it. */
  public String addressHex() {
    return addressHexOf(publicKey);
  }

  /** Signs a message. */
  public byte[] sign(byte[] message) {
    return Ed25519.sign(privateKey, message);
  }

  /** Verifies a signature made by this key. */
  public boolean verify(byte[] message, byte[] signature) {
    return Ed25519.verify(publicKey, message, signature);
  }

  /** The CometBFT address of a raw Ed25519 public key. */
  public static byte[] addressOf(byte[] rawPublicKey) {
    if (rawPublicKey == null || rawPublicKey.length != Ed25519.PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got "
          + (rawPublicKey == null ? "null" : rawPublicKey.length + " bytes"));
    }
    return Arrays.copyOf(ContentHash.sha256(rawPublicKey).bytes(), ADDRESS_LENGTH);
  }

  /** The CometBFT address of a raw Ed25519 public key as uppercase hex. */
  public static String addressHexOf(byte[] rawPublicKey) {
    return HexFormat.of().withUpperCase().formatHex(addressOf(rawPublicKey));
  }

  @Override
  public String toString() {
    return "NodeKey[" + addressHex() + "]";
  }
}
