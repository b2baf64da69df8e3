package io.deltachain.store.client;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.TxLimits;
import io.deltachain.store.ContentStat;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.deltachain.store.http.HttpApiVerticle;
import io.deltachain.store.io.HashingPump;
import io.deltachain.store.policy.StorePolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * The Java client other services use to reach a delta store over HTTP. Uploads stream files
 * from disk; downloads stream to a temp file next to the target while hashing, and the target
 * appears (atomic rename) only when the bytes match the hash asked for. Errors are
 * {@link StoreException}s carrying the server's {@link StoreError} and message.
 */
public final class DeltaStoreClient {
  private static final int BATCH_BYTES = 1 << 20;

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final String basePath;

  /** A client of the store at {@code baseUrl} (e.g. {@code http://127.0.0.1:8470}). */
  public DeltaStoreClient(Vertx vertx, String baseUrl) {
    URI uri = URI.create(baseUrl);
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("delta store URL must be http://host:port, got " + baseUrl);
    }
    this.vertx = vertx;
    this.basePath = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
            .setDefaultPort(uri.getPort() > 0 ? uri.getPort() : 80).setKeepAlive(true).setTcpNoDelay(true)
            .setMaxChunkSize(64 * 1024),
        new PoolOptions().setHttp1MaxSize(8));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> op) {
    return io.deltachain.core.VertxCalls.onContext(vertx, op);
  }

  private Future<HttpClientRequest> request(HttpMethod method, String path) {
    return http.request(new RequestOptions().setMethod(method).setURI(basePath + path))
        .recover(t -> Future.failedFuture(new StoreException(StoreError.BACKEND_UNAVAILABLE,
            "delta store unreachable: " + t.getMessage(), t)));
  }

  /** Uploads a file, streamed from disk. */
  public Future<Uploaded> upload(Path file) {
    return upload(file, null);
  }

  /** Uploads a file declaring its hash; the store refuses it (HASH_MISMATCH) if the bytes differ. */
  public Future<Uploaded> upload(Path file, ContentHash expected) {
    return onContext(() -> uploadFile(file, expected));
  }

  private Future<Uploaded> uploadFile(Path file, ContentHash expected) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .recover(t -> Future.failedFuture(new StoreException(StoreError.BAD_REQUEST, "cannot read " + file + ": " + t.getMessage(), t)))
        .compose(f -> f.size().compose(size -> {
          f.setReadBufferSize(BATCH_BYTES);
          f.pause();
          return request(HttpMethod.POST, "/deltas").compose(req -> {
            req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size));
            if (expected != null) {
              req.putHeader(HttpApiVerticle.HASH_HEADER, expected.hex());
            }
            // The store answers 413 (or another refusal) before the body is sent.
            req.putHeader(HttpHeaders.EXPECT, HttpHeaders.CONTINUE);
            req.continueHandler(v -> f.pipeTo(req));
            Future<HttpClientResponse> response = req.response();
            req.sendHead();
            return response;
          });
        }).compose(DeltaStoreClient::uploadReply).andThen(ar -> f.close()))
        .recover(t -> Future.failedFuture(t instanceof StoreException ? t
            : new StoreException(StoreError.BACKEND_UNAVAILABLE, "upload of " + file + " was interrupted: " + t.getMessage(), t)));
  }

  /** Uploads bytes held in memory (small contents). */
  public Future<Uploaded> upload(Buffer data) {
    return onContext(() -> uploadBuffer(data));
  }

  private Future<Uploaded> uploadBuffer(Buffer data) {
    return request(HttpMethod.POST, "/deltas").compose(req -> req.send(data)).compose(DeltaStoreClient::uploadReply);
  }

  private static Future<Uploaded> uploadReply(HttpClientResponse resp) {
    return json(resp, 201).map(j -> new Uploaded(ContentHash.parse(j.getString("hash")), j.getLong("size"),
        j.getString("cid"), j.getBoolean("inlineEligible", false)));
  }

  /**
   * Decides where a delta goes, as a trainer needs it before a SubmitDelta: up to
   * {@link TxLimits#INLINE_DELTA_MAX_BYTES} the bytes ride inline (nothing is uploaded),
   * otherwise the file is uploaded and named by hash and CID.
   */
  public Future<StorePolicy.Placement> place(Path file) {
    return onContext(() -> placeFile(file));
  }

  private Future<StorePolicy.Placement> placeFile(Path file) {
    return vertx.fileSystem().props(file.toString()).compose(props -> {
      if (props.size() <= TxLimits.INLINE_DELTA_MAX_BYTES) {
        return vertx.fileSystem().readFile(file.toString()).map(b -> {
          byte[] bytes = b.getBytes();
          return (StorePolicy.Placement) new StorePolicy.Inline(ContentHash.sha256(bytes), bytes);
        });
      }
      return upload(file).map(u -> (StorePolicy.Placement) new StorePolicy.Stored(
          new io.deltachain.store.PutResult(u.hash(), u.size(), u.cid())));
    });
  }

  /**
   * Downloads content to {@code target}, verifying it against {@code hash}. Nothing appears
   * at {@code target} unless the whole content arrived and matched.
   */
  public Future<Path> download(ContentHash hash, Path target) {
    return download(hash, null, target);
  }

  /** Like {@link #download(ContentHash, Path)}, naming the CID for content this store has not seen. */
  public Future<Path> download(ContentHash hash, String cid, Path target) {
    return onContext(() -> downloadTo(hash, cid, target));
  }

  private Future<Path> downloadTo(ContentHash hash, String cid, Path target) {
    Path dir = target.toAbsolutePath().getParent();
    Path part = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    String uri = "/deltas/" + hash.hex() + (cid == null ? "" : "?cid=" + cid);
    return request(HttpMethod.GET, uri)
        .compose(HttpClientRequest::send)
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return json(resp, 200).map(j -> (Path) null);
          }
          resp.pause();
          return vertx.fileSystem().open(part.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
              .compose(file -> receive(resp, file).andThen(ar -> file.close()))
              .compose(r -> {
                if (!r.hash().equals(hash)) {
                  return Future.failedFuture(new StoreException(StoreError.CORRUPT_CONTENT,
                      "downloaded " + r.size() + " bytes for " + hash.hex() + " but they hash to " + r.hash().hex()));
                }
                return vertx.executeBlocking(() -> Files.move(part, target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING), false);
              });
        })
        .onFailure(t -> vertx.fileSystem().delete(part.toString()).otherwiseEmpty());
  }

  private static Future<HashingPump.Result> receive(HttpClientResponse resp, AsyncFile file) {
    return new HashingPump(resp, file, Long.MAX_VALUE, n -> new StoreException(StoreError.TOO_LARGE, "too large"),
        null, Long.MAX_VALUE, BATCH_BYTES).run()
        .recover(t -> Future.failedFuture(new StoreException(StoreError.BACKEND_UNAVAILABLE,
            "the download stopped before its end: " + t.getMessage(), t)))
        .compose(r -> file.flush().map(r));
  }

  /** Metadata, or empty when the store does not have the content. */
  public Future<Optional<ContentStat>> stat(ContentHash hash) {
    return onContext(() -> statOf(hash));
  }

  private Future<Optional<ContentStat>> statOf(ContentHash hash) {
    return request(HttpMethod.GET, "/deltas/" + hash.hex() + "/stat").compose(HttpClientRequest::send).compose(resp ->
        resp.statusCode() == 404 ? resp.body().map(b -> Optional.<ContentStat>empty())
            : json(resp, 200).map(j -> Optional.of(ContentStat.fromJson(j))));
  }

  /** Whether the store has the content (HEAD). */
  public Future<Boolean> exists(ContentHash hash) {
    return onContext(() -> existsOf(hash));
  }

  private Future<Boolean> existsOf(ContentHash hash) {
    return request(HttpMethod.HEAD, "/deltas/" + hash.hex()).compose(HttpClientRequest::send).compose(resp -> {
      if (resp.statusCode() == 200 || resp.statusCode() == 404) {
        return resp.body().map(b -> resp.statusCode() == 200);
      }
      return Future.failedFuture(new StoreException(StoreError.fromWireName(resp.getHeader("X-Error")),
          "HEAD /deltas/" + hash.hex() + " answered " + resp.statusCode()));
    });
  }

  /** Pins content. */
  public Future<Void> pin(ContentHash hash) {
    return onContext(() -> pinOf(hash));
  }

  private Future<Void> pinOf(ContentHash hash) {
    return request(HttpMethod.PUT, "/deltas/" + hash.hex() + "/pin").compose(HttpClientRequest::send)
        .compose(resp -> json(resp, 200)).mapEmpty();
  }

  /** Unpins content. */
  public Future<Void> unpin(ContentHash hash) {
    return onContext(() -> unpinOf(hash));
  }

  private Future<Void> unpinOf(ContentHash hash) {
    return request(HttpMethod.DELETE, "/deltas/" + hash.hex() + "/pin").compose(HttpClientRequest::send)
        .compose(resp -> json(resp, 200)).mapEmpty();
  }

  private static Future<JsonObject> json(HttpClientResponse resp, int expected) {
    return resp.body().compose(b -> {
      JsonObject j;
      try {
        j = b.length() == 0 ? new JsonObject() : b.toJsonObject();
      } catch (DecodeException e) {
        return Future.failedFuture(new StoreException(StoreError.BACKEND_UNAVAILABLE,
            "delta store answered " + resp.statusCode() + " with a body that is not JSON"));
      }
      if (resp.statusCode() == expected) {
        return Future.succeededFuture(j);
      }
      StoreError err = StoreError.fromWireName(j.getString("error", ""));
      return Future.failedFuture(new StoreException(err,
          j.getString("message", "delta store answered HTTP " + resp.statusCode()), j, null));
    });
  }

  /** Closes the connection pool. */
  public Future<Void> close() {
    return http.close();
  }
}
