package io.deltachain.store;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Content being read: its metadata, the byte range being delivered and the stream of bytes.
 * The stream is paused until the consumer attaches a handler or pipes it. When the content
 * turns out not to match its hash while streaming, the stream reports a
 * {@link StoreException} with {@link StoreError#CORRUPT_CONTENT} instead of its last chunk,
 * so a consumer that stops at that failure never receives the complete (wrong) content.
 *
 * @param stat metadata of the whole content
 * @param range the bytes delivered
 * @param stream the bytes
 * @param closer releases what the stream holds (an open file, an HTTP connection); idempotent
 * @param verifiedFile when not null, the bytes are exactly {@code range} of this local file and
 *     were verified against the hash recently enough to trust: a consumer may send the file
 *     zero-copy instead of reading {@code stream} (and must still call {@link #close()})
 */
public record ContentStream(ContentStat stat, ByteRange range, ReadStream<Buffer> stream, Runnable closer,
    java.nio.file.Path verifiedFile) {
  /** A stream without a zero-copy file. */
  public ContentStream(ContentStat stat, ByteRange range, ReadStream<Buffer> stream, Runnable closer) {
    this(stat, range, stream, closer, null);
  }

  /** Releases the stream's resources; call it once the stream ended, failed or was abandoned. */
  public void close() {
    closer.run();
  }
}
