package io.deltachain.abci.ledger;

import io.deltachain.core.crypto.Ed25519;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.proto.TxEnvelope;

/**
 * Verifies transaction signatures with Bouncy Castle's RFC 8032 Ed25519, about ten times
 * faster than the JDK's provider, which matters because every transaction is verified in
 * CheckTx. It checks exactly the bytes {@link TxEnvelopes#signedBytes} defines; the test suite
 * checks that it agrees with the JDK ({@link TxEnvelopes#signatureValid}) on valid, forged and
 * malformed signatures. Every validator runs this same code, so the verdict is deterministic.
 */
public final class SignatureVerifier {
  static {
    org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
  }

  private SignatureVerifier() {}

  /** True when the envelope's signature is valid for its signer key. */
  public static boolean valid(TxEnvelope env) {
    byte[] pub = env.getSignerPubKey().toByteArray();
    byte[] sig = env.getSignature().toByteArray();
    if (pub.length != Ed25519.PUBLIC_KEY_LENGTH || sig.length != Ed25519.SIGNATURE_LENGTH) {
      return false;
    }
    byte[] msg = TxEnvelopes.signedBytes(pub, env.getNonce(), env.getChainId(), env.getBodyType(), env.getBody());
    try {
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(sig, 0, pub, 0, msg, 0, msg.length);
    } catch (RuntimeException malformed) {
      return false;
    }
  }
}
