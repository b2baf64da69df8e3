package io.deltachain.core;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Client calls made from threads that are not Vert.x's. */
public final class VertxCalls {
  private VertxCalls() {}

  /**
   * Runs an operation on a Vert.x context. Called from a thread that is not Vert.x's (a test, a
   * command's main thread, a coordinator's loop), an HTTP or gRPC client's request, response and
   * body callbacks would otherwise be chained from that thread while the response is delivered on
   * an event loop, and now and then a call never completed: in the delta store's HTTP round trip
   * repeated 150 times under CPU load, 4 and 5 repetitions hung with the calls made from the test
   * thread and none with them made on a context; a pipeline stage's refusal of a file read (a
   * response with no messages) was likewise lost once in CI. On an event loop or worker thread
   * the operation runs in place.
   *
   * @param vertx the instance whose context runs the operation
   * @param op starts the operation
   * @param <T> the result type
   * @return the operation's result
   */
  public static <T> Future<T> onContext(Vertx vertx, Supplier<Future<T>> op) {
    if (Context.isOnVertxThread()) {
      return op.get();
    }
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      try {
        op.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }
}
