package io.deltachain.store.io;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.security.MessageDigest;

/** Feeding Vert.x buffers to a digest without copying them. */
public final class Digests {
  private Digests() {}

  /** Adds the buffer's bytes to the digest. */
  public static void update(MessageDigest md, Buffer buffer) {
    if (buffer instanceof BufferInternal bi) {
      md.update(bi.getByteBuf().nioBuffer());
    } else {
      md.update(buffer.getBytes());
    }
  }
}
