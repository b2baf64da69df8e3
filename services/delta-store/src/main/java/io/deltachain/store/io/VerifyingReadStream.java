package io.deltachain.store.io;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;

/**
 * Passes a whole content through while hashing it, and holds back the most recent chunk until
 * the end: only when the bytes hash to the expected value (and have the expected length) is
 * the last chunk released and the stream ended. Otherwise the stream fails with
 * {@link StoreError#CORRUPT_CONTENT}, so a consumer never sees the complete wrong content;
 * when the content fits in one chunk the consumer sees no byte at all.
 */
public final class VerifyingReadStream implements ReadStream<Buffer> {
  private final ReadStream<Buffer> source;
  private final ContentHash expected;
  private final long expectedSize;
  private final Runnable onCorrupt;
  private final String where;
  private final MessageDigest md = ContentHash.newDigest();

  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private Buffer held;
  private long count;
  private Runnable onSourceEnd = () -> { };
  private Runnable onVerified = () -> { };

  /**
   * @param source the raw bytes of the whole content
   * @param expected the hash they must have, or null to check only the length
   * @param expectedSize the size they must have
   * @param where where they come from, for the error message
   * @param onCorrupt run once when the check fails (e.g. quarantine the file)
   */
  public VerifyingReadStream(ReadStream<Buffer> source, ContentHash expected, long expectedSize, String where,
      Runnable onCorrupt) {
    this.source = source;
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.where = where;
    this.onCorrupt = onCorrupt;
    source.endHandler(v -> onEnd());
    source.exceptionHandler(t -> {
      if (exceptionHandler != null) {
        exceptionHandler.handle(t);
      }
    });
  }

  @Override
  public VerifyingReadStream handler(Handler<Buffer> h) {
    this.handler = h;
    source.handler(h == null ? null : this::onChunk);
    return this;
  }

  private void onChunk(Buffer b) {
    Digests.update(md, b);
    count += b.length();
    Buffer prev = held;
    held = b;
    if (prev != null && handler != null) {
      handler.handle(prev);
    }
  }

  /** Runs when the source has delivered its last byte (before the check). */
  public VerifyingReadStream onSourceEnd(Runnable r) {
    this.onSourceEnd = r;
    return this;
  }

  /** Runs when the content turned out to match (before the last chunk is released). */
  public VerifyingReadStream onVerified(Runnable r) {
    this.onVerified = r;
    return this;
  }

  private void onEnd() {
    onSourceEnd.run();
    ContentHash actual = ContentHash.of(md.digest());
    if (count == expectedSize && (expected == null || actual.equals(expected))) {
      onVerified.run();
      if (held != null && handler != null) {
        Buffer last = held;
        held = null;
        handler.handle(last);
      }
      if (endHandler != null) {
        endHandler.handle(null);
      }
    } else {
      held = null;
      onCorrupt.run();
      StoreException e = expected == null
          ? new StoreException(StoreError.BACKEND_UNAVAILABLE,
              where + " delivered " + count + " bytes where " + expectedSize + " were expected")
          : new StoreException(StoreError.CORRUPT_CONTENT,
              "content " + expected.hex() + " in " + where + " is corrupt: read " + count + " bytes hashing to "
                  + actual.hex() + " (expected " + expectedSize + " bytes); it was not served",
              new JsonObject().put("hash", expected.hex()).put("actualHash", actual.hex()), null);
      if (exceptionHandler != null) {
        exceptionHandler.handle(e);
      }
    }
  }

  @Override
  public VerifyingReadStream exceptionHandler(Handler<Throwable> h) {
    this.exceptionHandler = h;
    return this;
  }

  @Override
  public VerifyingReadStream endHandler(Handler<Void> h) {
    this.endHandler = h;
    return this;
  }

  @Override
  public VerifyingReadStream pause() {
    source.pause();
    return this;
  }

  @Override
  public VerifyingReadStream resume() {
    source.resume();
    return this;
  }

  @Override
  public VerifyingReadStream fetch(long amount) {
    source.fetch(amount);
    return this;
  }
}
