package io.deltachain.trainer.pipeline;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Unary calls to one stage with a deadline, failing with a {@link StageCallException} that keeps
 * the stage's own status and message (the generated client reports only the status code) and
 * says when the deadline, not the stage, ended the call.
 */
public final class StageClient {
  private final GrpcClient client;
  private final SocketAddress address;
  private final String name;

  /**
   * @param client the gRPC client (its message limit should be {@link StageService#MAX_MESSAGE_BYTES})
   * @param host the stage's host
   * @param port the stage's port
   * @param name how errors name the stage
   */
  public StageClient(GrpcClient client, String host, int port, String name) {
    this.client = client;
    this.address = SocketAddress.inetSocketAddress(port, host);
    this.name = name + " (" + host + ":" + port + ")";
  }

  /**
   * Calls one unary method.
   *
   * @param method a {@code PipelineStageGrpcClient} method
   * @param message the request
   * @param timeout the call's deadline
   * @param <Q> request type
   * @param <R> reply type
   * @return the reply, or a failed future with a {@link StageCallException}
   */
  public <Q, R> Future<R> call(ServiceMethod<R, Q> method, Q message, Duration timeout) {
    String what = name + " " + method.methodName();
    long start = System.nanoTime();
    return client.request(address, method).compose(req -> {
      req.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return req.send(message).compose(StageClient::last);
    }).recover(t -> {
      // The client cancels the call when its deadline passes; say so rather than just CANCELLED.
      boolean late = System.nanoTime() - start >= timeout.toNanos();
      String msg = late ? what + " got no answer within its deadline of " + timeout.toSeconds() + " s ("
          + t.getMessage() + ")" : what + " failed: " + t.getMessage();
      GrpcStatus status = t instanceof StatusException se ? se.status : late ? GrpcStatus.DEADLINE_EXCEEDED
          : GrpcStatus.UNAVAILABLE;
      return Future.failedFuture(new StageCallException(status, msg, t));
    });
  }

  private static final class StatusException extends RuntimeException {
    final GrpcStatus status;

    StatusException(GrpcStatus status, String message) {
      super(message);
      this.status = status;
    }
  }

  private static <R> Future<R> last(GrpcClientResponse<?, R> resp) {
    return resp.last().recover(t -> Future.failedFuture(statusOf(resp, t)))
        .compose(r -> resp.status() == null || resp.status() == GrpcStatus.OK ? Future.succeededFuture(r)
            : Future.failedFuture(statusOf(resp, null)));
  }

  private static RuntimeException statusOf(GrpcClientResponse<?, ?> resp, Throwable t) {
    if (resp.status() == null) {
      return new StatusException(GrpcStatus.UNAVAILABLE, t == null ? "no status" : String.valueOf(t.getMessage()));
    }
    String msg = resp.statusMessage() != null ? resp.statusMessage() : t != null ? String.valueOf(t.getMessage()) : "";
    return new StatusException(resp.status(), resp.status().name() + ": " + msg);
  }

  /** A failed call to a stage: its gRPC status and a message naming the stage and the method. */
  public static final class StageCallException extends RuntimeException {
    private final GrpcStatus status;

    StageCallException(GrpcStatus status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    /** @return the status the stage (or the deadline) ended the call with */
    public GrpcStatus status() {
      return status;
    }
  }
}
