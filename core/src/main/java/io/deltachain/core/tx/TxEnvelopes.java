package io.deltachain.core.tx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import io.deltachain.core.crypto.Ed25519;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.TxEnvelope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Builds and checks signed transaction envelopes. The signature covers every field of the
 * envelope but the signature itself: the domain tag, the chain id, the body type, the signer
 * key, the nonce and the body bytes exactly as carried; a verifier never re-serializes the body.
 *
 * <p>Covering the nonce is what makes replay protection work: a signature that did not cover
 * it would stay valid on a copy of the transaction with the next nonce. Covering the signer
 * key binds the signature to the identity the ledger credits.
 *
 * <p>Signed bytes ({@link #signedBytes}), all integers big-endian:
 * <pre>
 *   "deltachain-tx-v1" 0x00
 *   u32 length of chain_id || chain_id (UTF-8)
 *   u32 body_type
 *   signer_pub_key (32 bytes)
 *   u64 nonce
 *   body
 * </pre>
 * The chain id is length-prefixed so that no chain id can be confused with another chain id
 * followed by other fields.
 */
public final class TxEnvelopes {
  private static final byte[] DOMAIN = "deltachain-tx-v1".getBytes(StandardCharsets.US_ASCII);

  private TxEnvelopes() {}

  /** Signs {@code body} as a transaction of {@code type}. */
  public static TxEnvelope sign(NodeKey key, String chainId, long nonce, BodyType type, MessageLite body) {
    return sign(key, chainId, nonce, type, body.toByteString());
  }

  /** Signs {@code body} as a transaction of the body type its class declares (see {@link Txs#bodyTypeOf}). */
  public static TxEnvelope sign(NodeKey key, String chainId, long nonce, Message body) {
    return sign(key, chainId, nonce, Txs.bodyTypeOf(body.getClass()), body.toByteString());
  }

  /** Signs already-serialized body bytes. */
  public static TxEnvelope sign(NodeKey key, String chainId, long nonce, BodyType type, ByteString body) {
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(body, "body");
    byte[] pub = key.publicKey();
    byte[] sig = key.sign(signedBytes(pub, nonce, chainId, type, body));
    return TxEnvelope.newBuilder()
        .setSignerPubKey(ByteString.copyFrom(pub))
        .setNonce(nonce)
        .setChainId(chainId)
        .setBodyType(type)
        .setBody(body)
        .setSignature(ByteString.copyFrom(sig))
        .build();
  }

  /** True when the envelope's signature is valid for its signer key over all its fields. */
  public static boolean signatureValid(TxEnvelope env) {
    byte[] pub = env.getSignerPubKey().toByteArray();
    if (pub.length != Ed25519.PUBLIC_KEY_LENGTH) {
      return false;
    }
    return Ed25519.verify(
        pub,
        signedBytes(pub, env.getNonce(), env.getChainId(), env.getBodyTypeValue(), env.getBody()),
        env.getSignature().toByteArray());
  }

  /** Parses raw transaction bytes; {@link InvalidProtocolBufferException} names what is wrong. */
  public static TxEnvelope parse(byte[] tx) throws InvalidProtocolBufferException {
    return TxEnvelope.parseFrom(tx);
  }

  /** The exact bytes the signature covers (see the class comment for the layout). */
  public static byte[] signedBytes(byte[] signerPubKey, long nonce, String chainId, BodyType type, ByteString body) {
    return signedBytes(signerPubKey, nonce, chainId, type.getNumber(), body);
  }

  // Takes the body type as a number so that an envelope with an unknown type still verifies
  // (or not) over exactly what it carries.
  private static byte[] signedBytes(byte[] signerPubKey, long nonce, String chainId, int type, ByteString body) {
    byte[] chain = chainId.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(DOMAIN.length + 1 + 4 + chain.length + 4 + signerPubKey.length + 8 + body.size());
    out.writeBytes(DOMAIN);
    out.write(0);
    writeInt(out, chain.length);
    out.writeBytes(chain);
    writeInt(out, type);
    out.writeBytes(signerPubKey);
    writeInt(out, (int) (nonce >>> 32));
    writeInt(out, (int) nonce);
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
