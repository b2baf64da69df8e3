package io.deltachain.core.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Raw Ed25519 operations on 32-byte public keys and 32-byte seeds, using the JDK's EdDSA
 * provider. The JDK speaks X.509 / PKCS#8 encodings; CometBFT and our transactions speak raw
 * keys, so this class converts with the fixed ASN.1 prefixes of RFC 8410.
 */
public final class Ed25519 {
  /** Raw public key length. */
  public static final int PUBLIC_KEY_LENGTH = 32;
  /** Raw private key (seed) length. */
  public static final int SEED_LENGTH = 32;
  /** Signature length. */
  public static final int SIGNATURE_LENGTH = 64;

  // RFC 8410: SubjectPublicKeyInfo and OneAsymmetricKey prefixes for Ed25519.
  private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  private static final byte[] PKCS8_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private Ed25519() {}

  /** The raw 32-byte public key of a JDK public key. */
  public static byte[] rawPublicKey(PublicKey key) {
    byte[] enc = key.getEncoded();
    return Arrays.copyOfRange(enc, enc.length - PUBLIC_KEY_LENGTH, enc.length);
  }

  /** The 32-byte seed of a JDK private key. */
  public static byte[] rawSeed(PrivateKey key) {
    byte[] enc = key.getEncoded();
    return Arrays.copyOfRange(enc, enc.length - SEED_LENGTH, enc.length);
  }

  /** A JDK public key from its raw 32 bytes. */
  public static PublicKey publicKey(byte[] raw) {
    if (raw == null || raw.length != PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is 32 bytes, got " + (raw == null ? "null" : raw.length));
    }
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, raw)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** A JDK private key from its 32-byte seed. */
  public static PrivateKey privateKey(byte[] seed) {
    if (seed == null || seed.length != SEED_LENGTH) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + (seed == null ? "null" : seed.length));
    }
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid Ed25519 seed: " + e.getMessage(), e);
    }
  }

  /**
   * The key pair of a 32-byte seed. The JDK has no seed-to-public-key call, but its EdDSA
   * generator draws exactly the 32 seed bytes from the given random source (RFC 8032 5.1.5),
   * so a source that yields the seed reproduces the pair.
   */
  public static KeyPair keyPairFromSeed(byte[] seed) {
    if (seed == null || seed.length != SEED_LENGTH) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + (seed == null ? "null" : seed.length));
    }
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
      KeyPair kp = g.generateKeyPair();
      if (!Arrays.equals(rawSeed(kp.getPrivate()), seed)) {
        throw new IllegalStateException("the JDK's Ed25519 generator did not use the given seed");
      }
      return kp;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** Signs a message. */
  public static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies a signature; false for any malformed key, message or signature, never an exception
   * (callers validate untrusted transactions with it).
   */
  public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
    if (rawPublicKey == null || rawPublicKey.length != PUBLIC_KEY_LENGTH || message == null
        || signature == null || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(publicKey(rawPublicKey));
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** A random source that yields one fixed seed. */
  private static final class FixedSeed extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;

    FixedSeed(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("expected a request for " + seed.length + " bytes, got " + bytes.length);
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
