package io.deltachain.validator.replay;

import io.deltachain.core.content.ContentHash;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash of a training state (its float values in a fixed order): SHA-256 over the
 * little-endian float32 bytes, after canonicalizing -0.0 to +0.0 and every NaN to the one
 * canonical NaN, so that representations that compare equal hash equal.
 */
public final class StateHashes {
  private StateHashes() {}

  /** Hash of the state. */
  public static ContentHash of(float[] state) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : state) {
      if (!buf.hasRemaining()) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
      float c = Float.isNaN(v) ? Float.NaN : v + 0.0f;
      buf.putFloat(c);
    }
    buf.flip();
    md.update(buf);
    return ContentHash.of(md.digest());
  }
}
