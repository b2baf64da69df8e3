package io.deltachain.store.io;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/** A write stream that appends everything to a buffer in memory: for small contents only (tests, inline deltas). */
public final class CollectingWriteStream implements WriteStream<Buffer> {
  private final Buffer target;

  public CollectingWriteStream(Buffer target) {
    this.target = target;
  }

  @Override
  public CollectingWriteStream exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public Future<Void> write(Buffer data) {
    target.appendBuffer(data);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public CollectingWriteStream setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public CollectingWriteStream drainHandler(Handler<Void> handler) {
    return this;
  }
}
