package io.deltachain.store.client;

import com.google.protobuf.ByteString;
import io.deltachain.core.VertxCalls;
import io.deltachain.core.content.ContentHash;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.deltachain.store.grpc.GrpcApiVerticle;
import io.deltachain.store.grpc.GrpcStatuses;
import io.deltachain.store.grpc.proto.DeltaStoreTransferGrpcClient;
import io.deltachain.store.grpc.proto.DownloadChunk;
import io.deltachain.store.grpc.proto.DownloadRequest;
import io.deltachain.store.grpc.proto.StatReply;
import io.deltachain.store.grpc.proto.StatRequest;
import io.deltachain.store.grpc.proto.UploadHeader;
import io.deltachain.store.grpc.proto.UploadReply;
import io.deltachain.store.grpc.proto.UploadRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * Service-to-service transfer over gRPC: streamed upload of a file in chunks of at most
 * {@link GrpcApiVerticle#CHUNK_BYTES}, streamed download to a file verified against its hash,
 * and stat. Errors are {@link StoreException}s with the server's exact {@link StoreError}. Calls
 * made off Vert.x threads run on a context ({@link VertxCalls#onContext}).
 */
public final class DeltaStoreGrpcClient {
  private final Vertx vertx;
  private final GrpcClient client;
  private final SocketAddress server;

  public DeltaStoreGrpcClient(Vertx vertx, SocketAddress server) {
    this.vertx = vertx;
    this.server = server;
    this.client = GrpcClient.client(vertx);
  }

  private static StoreException error(GrpcClientResponse<?, ?> resp, Throwable cause) {
    GrpcStatus status = resp.status();
    // A call that fails before any message is "trailers-only": the trailer travels in the headers.
    String name = resp.trailers() == null ? null : resp.trailers().get(GrpcStatuses.ERROR_TRAILER);
    if (name == null && resp.headers() != null) {
      name = resp.headers().get(GrpcStatuses.ERROR_TRAILER);
    }
    StoreError err = name != null ? StoreError.fromWireName(name) : StoreError.BACKEND_UNAVAILABLE;
    String msg = resp.statusMessage() != null ? resp.statusMessage()
        : "gRPC call failed with status " + status + (cause == null ? "" : ": " + cause.getMessage());
    return new StoreException(err, msg, cause);
  }

  private static <T> Future<T> last(GrpcClientResponse<?, T> resp) {
    return resp.last().recover(t -> Future.failedFuture(error(resp, t)))
        .compose(r -> resp.status() == null || resp.status() == GrpcStatus.OK ? Future.succeededFuture(r)
            : Future.failedFuture(error(resp, null)));
  }

  /** Metadata of content. */
  public Future<StatReply> stat(ContentHash hash) {
    return VertxCalls.onContext(vertx, () -> client.request(server, DeltaStoreTransferGrpcClient.Stat)
        .compose(req -> req.send(StatRequest.newBuilder().setHash(hash.hex()).build()))
        .compose(DeltaStoreGrpcClient::last));
  }

  /** Uploads a file (expected may be null). */
  public Future<UploadReply> upload(Path file, ContentHash expected) {
    return VertxCalls.onContext(vertx, () -> uploadFile(file, expected));
  }

  private Future<UploadReply> uploadFile(Path file, ContentHash expected) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false)).compose(f ->
        f.size().compose(size -> client.request(server, DeltaStoreTransferGrpcClient.Upload).compose(req -> {
          f.setReadBufferSize(GrpcApiVerticle.CHUNK_BYTES);
          f.pause();
          Future<UploadReply> reply = req.response().compose(DeltaStoreGrpcClient::last);
          req.write(UploadRequest.newBuilder().setHeader(UploadHeader.newBuilder()
              .setExpectedHash(expected == null ? "" : expected.hex()).setDeclaredSize(size)).build());
          f.handler(buf -> {
            req.write(UploadRequest.newBuilder().setChunk(ByteString.copyFrom(buf.getBytes())).build());
            if (req.writeQueueFull()) {
              f.pause();
              req.drainHandler(v -> f.resume());
            }
          });
          f.exceptionHandler(t -> req.cancel());
          f.endHandler(v -> req.end());
          f.resume();
          return reply;
        })).andThen(ar -> f.close()));
  }

  /** Downloads content to a file, which appears only when the bytes match the hash. */
  public Future<Path> download(ContentHash hash, Path target) {
    return VertxCalls.onContext(vertx, () -> downloadTo(hash, target));
  }

  private Future<Path> downloadTo(ContentHash hash, Path target) {
    Path part = target.toAbsolutePath().getParent().resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    return vertx.fileSystem().open(part.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .compose(file -> client.request(server, DeltaStoreTransferGrpcClient.Download)
            .compose(req -> req.send(DownloadRequest.newBuilder().setHash(hash.hex()).build()))
            .compose(resp -> receive(resp, file, hash))
            .andThen(ar -> file.close()))
        .compose(v -> vertx.executeBlocking(() -> Files.move(part, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING), false))
        .onFailure(t -> vertx.fileSystem().delete(part.toString()).otherwiseEmpty());
  }

  private Future<Void> receive(GrpcClientResponse<DownloadRequest, DownloadChunk> resp, AsyncFile file, ContentHash hash) {
    Promise<Void> done = Promise.promise();
    MessageDigest md = ContentHash.newDigest();
    long[] count = {0};
    resp.handler(chunk -> {
      byte[] data = chunk.getData().toByteArray();
      md.update(data);
      count[0] += data.length;
      file.write(Buffer.buffer(data));
      if (file.writeQueueFull()) {
        resp.pause();
        file.drainHandler(v -> resp.resume());
      }
    });
    resp.exceptionHandler(t -> done.tryFail(error(resp, t)));
    resp.endHandler(v -> {
      if (resp.status() != null && resp.status() != GrpcStatus.OK) {
        done.tryFail(error(resp, null));
        return;
      }
      ContentHash actual = ContentHash.of(md.digest());
      if (!actual.equals(hash)) {
        done.tryFail(new StoreException(StoreError.CORRUPT_CONTENT,
            "downloaded " + count[0] + " bytes for " + hash.hex() + " but they hash to " + actual.hex()));
      } else {
        file.flush().onComplete(done);
      }
    });
    return done.future();
  }

  /** Closes the client. */
  public Future<Void> close() {
    return client.close();
  }
}
