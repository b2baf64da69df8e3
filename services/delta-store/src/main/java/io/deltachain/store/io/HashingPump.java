package io.deltachain.store.io;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.security.MessageDigest;

/**
 * Moves a stream of bytes into a destination while hashing and counting them, with back
 * pressure, a size limit and an optional periodic check (free disk space). Small incoming
 * buffers (HTTP chunks of a few KiB) are gathered into batches before they are written, so a
 * file destination sees few large writes. The destination is not ended: the caller decides how
 * to finish it (fsync and close a file, write a closing multipart boundary).
 */
public final class HashingPump {
  /** Called with the running byte count; throws a {@link StoreException} to stop the transfer. */
  @FunctionalInterface
  public interface ProgressCheck {
    void check(long bytesSoFar);
  }

  /** The outcome: hash and size of everything that passed. */
  public record Result(ContentHash hash, long size) {}

  private final ReadStream<Buffer> source;
  private final WriteStream<Buffer> destination;
  private final long maxBytes;
  private final ProgressCheck check;
  private final long checkEveryBytes;
  private final int batchBytes;
  private final Promise<Result> promise = Promise.promise();
  private final MessageDigest md = ContentHash.newDigest();
  private final SizeLimitError sizeLimitError;

  private Buffer pending;
  private long total;
  private long nextCheckAt;
  private int outstanding;
  private boolean ended;
  private boolean done;

  /** Produces the error for exceeding the limit. */
  @FunctionalInterface
  public interface SizeLimitError {
    StoreException create(long bytesSoFar);
  }

  /**
   * @param source the bytes (will be resumed)
   * @param destination where they go
   * @param maxBytes the size limit
   * @param sizeLimitError builds the error when the limit is exceeded
   * @param check called about every {@code checkEveryBytes}, or null
   * @param checkEveryBytes how often to call {@code check}
   * @param batchBytes how many bytes to gather before a write
   */
  public HashingPump(ReadStream<Buffer> source, WriteStream<Buffer> destination, long maxBytes,
      SizeLimitError sizeLimitError, ProgressCheck check, long checkEveryBytes, int batchBytes) {
    this.source = source;
    this.destination = destination;
    this.maxBytes = maxBytes;
    this.sizeLimitError = sizeLimitError;
    this.check = check;
    this.checkEveryBytes = checkEveryBytes;
    this.batchBytes = batchBytes;
    this.pending = Buffer.buffer(batchBytes);
  }

  /** Starts the transfer; the future completes when the source ended and every write finished. */
  public Future<Result> run() {
    source.exceptionHandler(this::fail);
    source.endHandler(v -> {
      ended = true;
      flushPending();
      maybeComplete();
    });
    source.handler(this::onData);
    source.resume();
    if (check != null) {
      try {
        check.check(0);
        nextCheckAt = checkEveryBytes;
      } catch (RuntimeException e) {
        fail(e);
      }
    }
    return promise.future();
  }

  /** Stops the transfer with this failure (e.g. the caller saw the connection close). */
  public void abort(Throwable cause) {
    fail(cause);
  }

  private void onData(Buffer buf) {
    if (done) {
      return;
    }
    total += buf.length();
    if (total > maxBytes) {
      fail(sizeLimitError.create(total));
      return;
    }
    Digests.update(md, buf);
    if (check != null && total >= nextCheckAt) {
      try {
        check.check(total);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      nextCheckAt = total + checkEveryBytes;
    }
    pending.appendBuffer(buf);
    if (pending.length() >= batchBytes) {
      flushPending();
    }
  }

  private void flushPending() {
    if (done || pending.length() == 0) {
      return;
    }
    Buffer batch = pending;
    pending = Buffer.buffer(batchBytes);
    outstanding++;
    destination.write(batch).onComplete(ar -> {
      outstanding--;
      if (ar.failed()) {
        fail(ar.cause());
      } else {
        maybeComplete();
      }
    });
    if (!done && destination.writeQueueFull()) {
      source.pause();
      destination.drainHandler(v -> {
        if (!done) {
          source.resume();
        }
      });
    }
  }

  private void maybeComplete() {
    if (!done && ended && outstanding == 0) {
      done = true;
      promise.complete(new Result(ContentHash.of(md.digest()), total));
    }
  }

  private void fail(Throwable t) {
    if (done) {
      return;
    }
    done = true;
    pending = Buffer.buffer(0);
    StoreException e = t instanceof StoreException se ? se
        : StoreException.isNoSpace(t) ? StoreException.wrap(t, "writing the upload")
        : new StoreException(StoreError.INCOMPLETE_UPLOAD,
            "the upload stopped after " + total + " bytes: " + describe(t) + "; nothing was stored", t);
    promise.fail(e);
  }

  private static String describe(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }
}
