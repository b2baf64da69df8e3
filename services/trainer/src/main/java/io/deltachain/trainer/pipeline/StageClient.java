package io.deltachain.trainer.pipeline;

import io.deltachain.core.VertxCalls;
import io.deltachain.trainer.pipeline.proto.FileChunk;
import io.deltachain.trainer.pipeline.proto.PipelineStageGrpcClient;
import io.deltachain.trainer.pipeline.proto.ReadFileRequest;
import io.deltachain.trainer.pipeline.proto.RestoreReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Unary calls to one stage with a deadline, failing with a {@link StageCallException} that keeps
 * the stage's own status and message (the generated client reports only the status code) and
 * says when the deadline, not the stage, ended the call.
 */
public final class StageClient {
  private final Vertx vertx;
  private final GrpcClient client;
  private final SocketAddress address;
  private final String name;
  private final String token;

  /**
   * @param vertx runs every call on one of its contexts, whatever thread calls (see
   *     {@link VertxCalls#onContext}), and does the file I/O of transfers
   * @param client the gRPC client (its message limit should be {@link StageService#MAX_MESSAGE_BYTES})
   * @param host the stage's host
   * @param port the stage's port
   * @param name how errors name the stage
   */
  public StageClient(Vertx vertx, GrpcClient client, String host, int port, String name) {
    this(vertx, client, host, port, name, null);
  }

  /**
   * A client that sends the deployment's stage token with every call ({@link StageToken}).
   *
   * @param vertx as above
   * @param client as above
   * @param host as above
   * @param port as above
   * @param name as above
   * @param token the stage token, or null for a stage that needs none
   */
  public StageClient(Vertx vertx, GrpcClient client, String host, int port, String name, String token) {
    this.vertx = vertx;
    this.client = client;
    this.address = SocketAddress.inetSocketAddress(port, host);
    this.name = name + " (" + host + ":" + port + ")";
    this.token = token;
  }

  private <Q, R> Future<GrpcClientRequest<Q, R>> request(ServiceMethod<R, Q> method, Duration timeout) {
    return client.request(address, method).map(req -> {
      req.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (token != null) {
        req.headers().set(StageToken.HEADER, StageToken.header(token));
      }
      return req;
    });
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
    return explain(VertxCalls.onContext(vertx, () -> request(method, timeout)
        .compose(req -> req.send(message).compose(StageClient::last))), what, start, timeout);
  }

  /**
   * Fetches a file from the stage's work directory ({@code ReadFile}), checking its hash.
   *
   * @param file its name on the stage
   * @param target where it goes here (replaced once complete)
   * @param timeout the whole transfer's deadline
   * @return the file, or a failed future with a {@link StageCallException}
   */
  public Future<FileTransfer.Received> readFile(String file, Path target, Duration timeout) {
    String what = name + " ReadFile " + file;
    long start = System.nanoTime();
    return explain(VertxCalls.onContext(vertx, () -> request(PipelineStageGrpcClient.ReadFile, timeout)
        .compose(req -> req.send(ReadFileRequest.newBuilder().setName(file).build()))
        .compose(resp -> FileTransfer.receive(vertx, resp, target).recover(t ->
            Future.failedFuture(resp.status() != null && resp.status() != GrpcStatus.OK ? statusOf(resp, t) : t)))),
        what, start, timeout);
  }

  /**
   * Streams a checkpoint archive to the stage, which restores it ({@code RestoreFrom}).
   *
   * @param archive the archive here
   * @param checkpointName the name the stage keeps it under
   * @param timeout the whole transfer's deadline
   * @return the stage's reply, or a failed future with a {@link StageCallException}
   */
  public Future<RestoreReply> restoreFrom(Path archive, String checkpointName, Duration timeout) {
    String what = name + " RestoreFrom " + checkpointName;
    long start = System.nanoTime();
    return explain(VertxCalls.onContext(vertx, () -> request(PipelineStageGrpcClient.RestoreFrom, timeout)
        .compose(req -> {
          Future<GrpcClientResponse<FileChunk, RestoreReply>> resp = req.response();
          return FileTransfer.send(vertx, archive, checkpointName, req).onFailure(t -> req.cancel())
              .compose(v -> resp);
        }).compose(StageClient::last)), what, start, timeout);
  }

  private static <R> Future<R> explain(Future<R> f, String what, long start, Duration timeout) {
    return f.recover(t -> {
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

    /**
     * @param status the status
     * @param message what failed, naming the stage
     * @param cause the underlying failure
     */
    public StageCallException(GrpcStatus status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    /** @return the status the stage (or the deadline) ended the call with */
    public GrpcStatus status() {
      return status;
    }
  }
}
