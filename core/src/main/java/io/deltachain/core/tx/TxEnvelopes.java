package io.deltachain.core.tx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.deltachain.core.crypto.Ed25519;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.TxEnvelope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds and checks signed transaction envelopes. The signature covers the domain tag, the
 * chain id, the body type and the body bytes exactly as carried; a verifier never
 * re-serializes the body.
 */
public final class TxEnvelopes {
  private static final byte[] DOMAIN = "deltachain-tx-v1".getBytes(StandardCharsets.US_ASCII);

  private TxEnvelopes() {}

  /** Signs {@code body} as a transaction of {@code type}. */
  public static TxEnvelope sign(NodeKey key, String chainId, long nonce, BodyType type, MessageLite body) {
    return sign(key, chainId, nonce, type, body.toByteString());
  }

  /** Signs already-serialized body bytes. */
  public static TxEnvelope sign(NodeKey key, String chainId, long nonce, BodyType type, ByteString body) {
    byte[] sig = key.sign(signedBytes(chainId, type, body));
    return TxEnvelope.newBuilder()
        .setSignerPubKey(ByteString.copyFrom(key.publicKey()))
        .setNonce(nonce)
        .setChainId(chainId)
        .setBodyType(type)
        .setBody(body)
        .setSignature(ByteString.copyFrom(sig))
        .build();
  }

  /** True when the envelope's signature is valid for its signer key. */
  public static boolean signatureValid(TxEnvelope env) {
    return Ed25519.verify(
        env.getSignerPubKey().toByteArray(),
        signedBytes(env.getChainId(), env.getBodyType(), env.getBody()),
        env.getSignature().toByteArray());
  }

  /** Parses raw transaction bytes; {@link InvalidProtocolBufferException} names what is wrong. */
  public static TxEnvelope parse(byte[] tx) throws InvalidProtocolBufferException {
    return TxEnvelope.parseFrom(tx);
  }

  /** The exact bytes the signature covers. */
  public static byte[] signedBytes(String chainId, BodyType type, ByteString body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(DOMAIN.length + chainId.length() + body.size() + 8);
    out.writeBytes(DOMAIN);
    out.write(0);
    out.writeBytes(chainId.getBytes(StandardCharsets.UTF_8));
    out.write(0);
    int t = type.getNumber();
    out.write(t >>> 24);
    out.write(t >>> 16);
    out.write(t >>> 8);
    out.write(t);
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }
}
