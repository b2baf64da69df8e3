package io.deltachain.store.io;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A read stream over a buffer already in memory (small contents: inline deltas, tests),
 * delivered in one chunk once resumed. Starts paused, as stores expect their sources.
 */
public final class BufferReadStream implements ReadStream<Buffer> {
  private final Buffer data;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private boolean paused = true;
  private boolean done;

  public BufferReadStream(Buffer data) {
    this.data = data;
  }

  @Override
  public BufferReadStream exceptionHandler(Handler<Throwable> h) {
    return this;
  }

  @Override
  public BufferReadStream handler(Handler<Buffer> h) {
    this.handler = h;
    return this;
  }

  @Override
  public BufferReadStream pause() {
    paused = true;
    return this;
  }

  @Override
  public BufferReadStream resume() {
    paused = false;
    deliver();
    return this;
  }

  @Override
  public BufferReadStream fetch(long amount) {
    if (amount > 0) {
      paused = false;
      deliver();
    }
    return this;
  }

  @Override
  public BufferReadStream endHandler(Handler<Void> h) {
    this.endHandler = h;
    return this;
  }

  private void deliver() {
    if (done || paused || handler == null) {
      return;
    }
    done = true;
    if (data.length() > 0) {
      handler.handle(data);
    }
    if (endHandler != null) {
      endHandler.handle(null);
    }
  }
}
