package io.deltachain.store.grpc;

import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.store.ContentStore;
import io.deltachain.store.ContentStream;
import io.deltachain.store.PutOptions;
import io.deltachain.store.RangeRequest;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.deltachain.store.http.StoredEvents;
import io.deltachain.store.grpc.proto.DeltaStoreTransferGrpcService;
import io.deltachain.store.grpc.proto.DownloadChunk;
import io.deltachain.store.grpc.proto.DownloadRequest;
import io.deltachain.store.grpc.proto.StatReply;
import io.deltachain.store.grpc.proto.StatRequest;
import io.deltachain.store.grpc.proto.UploadReply;
import io.deltachain.store.grpc.proto.UploadRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC transfer API ({@code deltachain.store.v1.DeltaStoreTransfer}) for services that
 * move deltas between each other: client-streaming Upload, server-streaming Download, unary
 * Stat. Data messages carry at most {@link #CHUNK_BYTES}, half of vertx-grpc's 256 KiB default
 * message limit. Store errors become gRPC statuses ({@link GrpcStatuses}) with the store's
 * message; an error found after data was sent (corrupt content) ends the stream with
 * DATA_LOSS, so the client never takes a short stream for a complete one.
 */
public final class GrpcApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcApiVerticle.class);
  /** Largest data chunk per message. */
  public static final int CHUNK_BYTES = 128 * 1024;

  private final ContentStore store;
  private final String host;
  private final int port;
  private final long maxUploadBytes;
  private final long inlineMaxBytes;
  private final String storedAddress;
  private HttpServer server;

  /**
   * @param storedAddress where {@code DeltaStored} is published after each upload, or null
   */
  public GrpcApiVerticle(ContentStore store, String host, int port, long maxUploadBytes, long inlineMaxBytes,
      String storedAddress) {
    this.storedAddress = storedAddress;
    this.store = store;
    this.host = host;
    this.port = port;
    this.maxUploadBytes = maxUploadBytes;
    this.inlineMaxBytes = inlineMaxBytes;
  }

  /** The port actually bound. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(DeltaStoreTransferGrpcService.Upload, this::upload);
    grpc.callHandler(DeltaStoreTransferGrpcService.Download, this::download);
    grpc.callHandler(DeltaStoreTransferGrpcService.Stat, this::stat);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(grpc).listen()
        .onSuccess(s -> {
          server = s;
          LOG.info("delta-store gRPC API on {}:{}", host, s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private static <Q, R> void fail(GrpcServerResponse<Q, R> resp, Throwable t) {
    StoreException e = StoreException.wrap(t, "the call");
    if (e.error() == StoreError.INTERNAL) {
      LOG.error("internal error", t);
    }
    resp.trailers().set(GrpcStatuses.ERROR_TRAILER, e.error().wireName());
    resp.status(GrpcStatuses.of(e.error())).statusMessage(e.getMessage()).end();
  }

  private void stat(GrpcServerRequest<StatRequest, StatReply> req) {
    req.handler(msg -> {
      ContentHash hash;
      try {
        hash = parse(msg.getHash());
      } catch (StoreException e) {
        fail(req.response(), e);
        return;
      }
      store.stat(hash).onSuccess(s -> req.response().end(StatReply.newBuilder().setHash(s.hash().hex()).setSize(s.size())
              .setCid(s.cid() == null ? "" : s.cid()).setPinned(s.pinned()).build()))
          .onFailure(t -> fail(req.response(), t));
    });
  }

  private static ContentHash parse(String hex) {
    try {
      return ContentHash.parse(hex);
    } catch (IllegalArgumentException e) {
      throw new StoreException(StoreError.BAD_REQUEST, e.getMessage());
    }
  }

  private void upload(GrpcServerRequest<UploadRequest, UploadReply> req) {
    req.pause();
    req.handler(first -> {
      req.pause();
      if (!first.hasHeader()) {
        fail(req.response(), new StoreException(StoreError.BAD_REQUEST, "the first Upload message must be a header"));
        return;
      }
      PutOptions options;
      try {
        String declared = first.getHeader().getExpectedHash();
        long size = first.getHeader().getDeclaredSize();
        options = new PutOptions(declared.isEmpty() ? null : parse(declared), size == 0 ? -1 : size, maxUploadBytes);
      } catch (StoreException e) {
        fail(req.response(), e);
        return;
      }
      store.put(new ChunkStream(req), options)
          .onSuccess(r -> StoredEvents.publish(vertx, storedAddress, r))
          .onSuccess(r -> req.response().end(UploadReply.newBuilder().setHash(r.hash().hex()).setSize(r.size())
              .setCid(r.cid() == null ? "" : r.cid()).setInlineEligible(r.size() <= inlineMaxBytes).build()))
          .onFailure(t -> fail(req.response(), t));
    });
    req.resume();
  }

  /** The data chunks of an Upload call as a stream of buffers. */
  private static final class ChunkStream implements ReadStream<Buffer> {
    private final GrpcServerRequest<UploadRequest, UploadReply> req;
    private Handler<Throwable> exceptionHandler;

    ChunkStream(GrpcServerRequest<UploadRequest, UploadReply> req) {
      this.req = req;
    }

    @Override
    public ChunkStream exceptionHandler(Handler<Throwable> h) {
      this.exceptionHandler = h;
      req.exceptionHandler(h);
      return this;
    }

    @Override
    public ChunkStream handler(Handler<Buffer> h) {
      if (h == null) {
        req.handler(null);
        return this;
      }
      req.handler(msg -> {
        if (msg.hasChunk()) {
          h.handle(Buffer.buffer(msg.getChunk().toByteArray()));
        } else if (exceptionHandler != null) {
          exceptionHandler.handle(new StoreException(StoreError.BAD_REQUEST, "a second Upload header arrived after data"));
        }
      });
      return this;
    }

    @Override
    public ChunkStream pause() {
      req.pause();
      return this;
    }

    @Override
    public ChunkStream resume() {
      req.resume();
      return this;
    }

    @Override
    public ChunkStream fetch(long amount) {
      req.fetch(amount);
      return this;
    }

    @Override
    public ChunkStream endHandler(Handler<Void> endHandler) {
      req.endHandler(endHandler);
      return this;
    }
  }

  private void download(GrpcServerRequest<DownloadRequest, DownloadChunk> req) {
    req.handler(msg -> {
      ContentHash hash;
      try {
        hash = parse(msg.getHash());
      } catch (StoreException e) {
        fail(req.response(), e);
        return;
      }
      RangeRequest range = msg.getOffset() == 0 && !msg.hasLength() ? null
          : RangeRequest.of(msg.getOffset(), msg.hasLength() ? msg.getLength() : -1);
      store.get(hash, range).onSuccess(cs -> send(req.response(), cs)).onFailure(t -> fail(req.response(), t));
    });
  }

  private static void send(GrpcServerResponse<DownloadRequest, DownloadChunk> resp, ContentStream cs) {
    long[] position = {cs.range().offset()};
    long total = cs.stat().size();
    boolean[] finished = {false};
    ReadStream<Buffer> src = cs.stream();
    resp.exceptionHandler(t -> {
      finished[0] = true;
      cs.close();
    });
    src.exceptionHandler(t -> {
      if (!finished[0]) {
        finished[0] = true;
        cs.close();
        fail(resp, t);
      }
    });
    src.endHandler(v -> {
      if (!finished[0]) {
        finished[0] = true;
        cs.close();
        if (cs.range().length() == 0) {
          resp.write(DownloadChunk.newBuilder().setOffset(position[0]).setTotalSize(total).build());
        }
        resp.end();
      }
    });
    src.handler(buf -> {
      for (int off = 0; off < buf.length(); off += CHUNK_BYTES) {
        int end = Math.min(buf.length(), off + CHUNK_BYTES);
        resp.write(DownloadChunk.newBuilder().setData(ByteString.copyFrom(buf.getBytes(off, end)))
            .setOffset(position[0]).setTotalSize(total).build());
        position[0] += end - off;
      }
      if (resp.writeQueueFull()) {
        src.pause();
        resp.drainHandler(x -> src.resume());
      }
    });
    src.resume();
  }
}
