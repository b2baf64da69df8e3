package io.deltachain.abci.server;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Splits a byte stream into ABCI frames: each frame is an unsigned base-128 varint length
 * followed by that many bytes (Go's {@code binary.PutUvarint}; CometBFT v0.37+). The decoder
 * is stateful: a length prefix or a body may be split across any number of buffers, and one
 * buffer may carry several frames.
 *
 * <p>Not thread-safe: feed it from the one context that reads the socket.
 */
public final class FrameDecoder {
  /** A varint of more than 10 bytes cannot encode a 64-bit value. */
  private static final int MAX_VARINT_BYTES = 10;

  private final int maxFrameBytes;
  private final Consumer<byte[]> frameHandler;
  private Buffer pending = Buffer.buffer();
  private int readPos;

  /**
   * @param maxFrameBytes frames longer than this are a protocol error
   * @param frameHandler receives each complete frame body, in stream order
   */
  public FrameDecoder(int maxFrameBytes, Consumer<byte[]> frameHandler) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive, got " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
    this.frameHandler = frameHandler;
  }

  /**
   * Consumes the next chunk of the stream and emits every frame it completes.
   *
   * @throws FrameException when a length prefix is malformed or exceeds the limit; the
   *     stream cannot be resynchronized after that
   */
  public void feed(Buffer chunk) {
    pending.appendBuffer(chunk);
    int end = pending.length();
    while (true) {
      long length = 0;
      int shift = 0;
      int pos = readPos;
      boolean complete = false;
      while (pos < end) {
        int b = pending.getByte(pos++) & 0xff;
        if (pos - readPos > MAX_VARINT_BYTES) {
          throw new FrameException("frame length prefix is longer than " + MAX_VARINT_BYTES + " bytes");
        }
        length |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          complete = true;
          break;
        }
        shift += 7;
      }
      if (!complete) {
        break;
      }
      if (length < 0 || length > maxFrameBytes) {
        throw new FrameException(
            "frame of " + Long.toUnsignedString(length) + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
      }
      if (end - pos < length) {
        break;
      }
      int bodyEnd = pos + (int) length;
      byte[] frame = pending.getBytes(pos, bodyEnd);
      readPos = bodyEnd;
      frameHandler.accept(frame);
    }
    // Copy the unread tail only when something was consumed, so a large frame arriving in
    // many small chunks is appended, not re-copied on every chunk.
    if (readPos > 0) {
      pending = readPos == end ? Buffer.buffer() : pending.getBuffer(readPos, end);
      readPos = 0;
    }
  }

  /** Bytes received but not yet emitted as a frame. */
  public int bufferedBytes() {
    return pending.length() - readPos;
  }

  /** Appends the uvarint length prefix and the body of one frame to {@code out}. */
  public static Buffer encode(byte[] body, Buffer out) {
    long v = body.length;
    while ((v & ~0x7fL) != 0) {
      out.appendByte((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.appendByte((byte) v);
    return out.appendBytes(body);
  }

  /** A stream that cannot be framed. */
  public static final class FrameException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FrameException(String message) {
      super(message);
    }
  }
}
