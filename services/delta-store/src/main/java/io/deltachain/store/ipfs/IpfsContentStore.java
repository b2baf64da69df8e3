package io.deltachain.store.ipfs;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.ByteRange;
import io.deltachain.store.ContentStat;
import io.deltachain.store.ContentStore;
import io.deltachain.store.ContentStream;
import io.deltachain.store.PutOptions;
import io.deltachain.store.PutResult;
import io.deltachain.store.RangeRequest;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.deltachain.store.io.HashingPump;
import io.deltachain.store.io.VerifyingReadStream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content in IPFS through a kubo daemon's HTTP RPC API, streamed both ways.
 *
 * <ul>
 *   <li>put: {@code /api/v0/add?cid-version=1&raw-leaves=true&pin=true&chunker=...} with a
 *       multipart body built by hand around the streamed bytes (hashed with SHA-256 on the
 *       way); a declared-hash mismatch unpins what kubo just added and records nothing.
 *   <li>get: {@code /api/v0/cat?arg=<cid>&offset=&length=} streamed; whole reads are checked
 *       against the SHA-256 (kubo already checks every block against its CID).
 *   <li>stat/exists: the hash to CID index plus {@code /api/v0/block/stat?offline=true} (is
 *       the root block here) and {@code /api/v0/pin/ls} (is it pinned).
 *   <li>pin/unpin: {@code /api/v0/pin/add} and {@code /api/v0/pin/rm}, recursive.
 *   <li>delete: unpins and forgets the CID; kubo's own {@code repo gc} frees the blocks.
 * </ul>
 *
 * Every call carries kubo's {@code timeout} option. The index maps hashes to CIDs
 * ({@link CidIndex}); content added elsewhere (another node, named on chain by hash and CID)
 * is made known with {@link #link}.
 */
public final class IpfsContentStore implements ContentStore {
  private static final Logger LOG = LoggerFactory.getLogger(IpfsContentStore.class);
  private static final int BATCH_BYTES = 256 << 10;

  private final Vertx vertx;
  private final KuboRpc rpc;
  private final CidIndex index;

  private IpfsContentStore(Vertx vertx, IpfsConfig config) {
    this.vertx = vertx;
    this.rpc = new KuboRpc(vertx, config);
    this.index = new CidIndex(vertx, config.indexDir());
  }

  /**
   * Connects to kubo (checking {@code /api/v0/version}, so a wrong URL fails here with a clear
   * message) and opens the index.
   */
  public static Future<IpfsContentStore> open(Vertx vertx, IpfsConfig config) {
    IpfsContentStore store = new IpfsContentStore(vertx, config);
    return store.index.init()
        .compose(v -> store.rpc.call("version", Map.of()))
        .map(version -> {
          LOG.info("kubo {} at {}", version.getString("Version"), config.apiUrl());
          return store;
        })
        .onFailure(t -> store.rpc.close());
  }

  @Override
  public String name() {
    return "ipfs";
  }

  /** The RPC client (for tests and tools). */
  public KuboRpc rpc() {
    return rpc;
  }

  @Override
  public Future<PutResult> put(ReadStream<Buffer> source, PutOptions options) {
    try {
      options.checkDeclaredSize();
    } catch (StoreException e) {
      return Future.failedFuture(e);
    }
    String boundary = "deltachain-" + UUID.randomUUID();
    Map<String, Object> params = Map.of("cid-version", 1, "raw-leaves", true, "pin", true,
        "chunker", rpc.config().chunker(), "hash", "sha2-256", "progress", false);
    return rpc.request("add", params).compose(req -> {
      req.putHeader("Content-Type", "multipart/form-data; boundary=" + boundary).setChunked(true);
      Future<HttpClientResponse> response = req.response();
      req.write(Buffer.buffer("--" + boundary + "\r\n"
          + "Content-Disposition: form-data; name=\"file\"; filename=\"delta\"\r\n"
          + "Content-Type: application/octet-stream\r\n\r\n", "UTF-8"));
      HashingPump pump = new HashingPump(source, req, options.maxBytes(), options::tooLarge, null, Long.MAX_VALUE, BATCH_BYTES);
      Future<HashingPump.Result> sent = pump.run()
          .compose(r -> req.end(Buffer.buffer("\r\n--" + boundary + "--\r\n", "UTF-8")).map(r))
          .onFailure(t -> req.reset(0, t));
      Future<String> cid = response.compose(this::addedCid);
      return Future.all(sent, cid).recover(t -> {
        // Prefer the reason on our side (too large, client gone) over kubo's view of the abort.
        return Future.failedFuture(sent.failed() ? sent.cause() : t);
      }).compose(all -> finishPut(sent.result(), cid.result(), options));
    });
  }

  private Future<String> addedCid(HttpClientResponse resp) {
    if (resp.statusCode() != 200) {
      return rpc.failWith("add", resp).map(v -> null);
    }
    return resp.body().compose(body -> {
      String trailerError = resp.getTrailer("X-Stream-Error");
      if (trailerError != null && !trailerError.isEmpty()) {
        return Future.failedFuture(new KuboException("add", 200, trailerError));
      }
      String last = null;
      for (String line : body.toString(StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject j = new JsonObject(line);
        if (j.containsKey("Message") && "error".equals(j.getString("Type"))) {
          return Future.failedFuture(new KuboException("add", 200, j.getString("Message")));
        }
        if (j.getString("Hash") != null) {
          last = j.getString("Hash");
        }
      }
      return last == null
          ? Future.failedFuture(new KuboException("add", 200, "no Hash in the answer: " + body))
          : Future.succeededFuture(last);
    });
  }

  private Future<PutResult> finishPut(HashingPump.Result r, String cid, PutOptions options) {
    if (options.expectedHash() != null && !options.expectedHash().equals(r.hash())) {
      StoreException mismatch = StoreException.hashMismatch(options.expectedHash().hex(), r.hash().hex());
      return index.get(r.hash()).compose(existing -> existing != null
              ? Future.succeededFuture() // the same bytes were stored before, legitimately: keep them
              : unpinCid(cid))
          .transform(ar -> Future.failedFuture(mismatch));
    }
    return index.put(new CidIndex.Entry(r.hash(), cid, r.size())).map(v -> new PutResult(r.hash(), r.size(), cid));
  }

  @Override
  public Future<PutResult> putFile(Path file, PutOptions options) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .recover(t -> Future.failedFuture(new StoreException(StoreError.BAD_REQUEST, "cannot read " + file + ": " + t.getMessage(), t)))
        .compose(f -> f.size().compose(size -> {
          f.setReadBufferSize(BATCH_BYTES);
          f.pause();
          return put(f, options.withDeclaredSize(size));
        }).andThen(ar -> f.close()));
  }

  /**
   * Makes content added elsewhere known by its hash (e.g. a delta whose hash and CID are on
   * chain). The size is asked from kubo, which may fetch the root block from its peers.
   */
  @Override
  public Future<ContentStat> link(ContentHash hash, String cid) {
    return rpc.call("files/stat", Map.of("arg", "/ipfs/" + cid))
        .compose(j -> {
          long size = j.getLong("Size");
          return index.put(new CidIndex.Entry(hash, cid, size)).map(v -> new ContentStat(hash, size, cid, false));
        });
  }

  /** The CID recorded for a hash, or null. */
  public Future<String> cidOf(ContentHash hash) {
    return index.get(hash).map(e -> e == null ? null : e.cid());
  }

  private Future<CidIndex.Entry> entry(ContentHash hash) {
    return index.get(hash).compose(e -> e == null ? Future.failedFuture(StoreException.notFound(hash.hex())) : Future.succeededFuture(e));
  }

  @Override
  public Future<ContentStream> get(ContentHash hash, RangeRequest rangeRequest) {
    return entry(hash).compose(e -> {
      ByteRange range;
      try {
        range = rangeRequest == null ? ByteRange.whole(e.size()) : rangeRequest.resolve(e.size());
      } catch (StoreException ex) {
        return Future.failedFuture(ex);
      }
      return cat(e.cid(), range).map(c -> {
        boolean whole = range.isWhole(e.size());
        ReadStream<Buffer> checked = verified(c, whole ? hash : null, range.length(), e.cid(),
            () -> LOG.error("kubo served content for {} that does not match its hash", e.cid()));
        return new ContentStream(new ContentStat(hash, e.size(), e.cid(), false), range, checked, c.closer);
      });
    });
  }

  private record Cat(HttpClientResponse response, AtomicBoolean ended, Runnable closer) {}

  private Future<Cat> cat(String cid, ByteRange range) {
    return rpc.request("cat", Map.of("arg", cid, "offset", range.offset(), "length", range.length()))
        .compose(req -> req.send().compose(resp -> {
          if (resp.statusCode() != 200) {
            return rpc.failWith("cat", resp).map(v -> (Cat) null);
          }
          resp.pause();
          AtomicBoolean ended = new AtomicBoolean();
          // An abandoned read must not leave kubo streaming into a pooled connection.
          Runnable closer = () -> {
            if (!ended.get()) {
              req.reset();
            }
          };
          return Future.succeededFuture(new Cat(resp, ended, closer));
        }));
  }

  private static VerifyingReadStream verified(Cat c, ContentHash hash, long length, String cid, Runnable onCorrupt) {
    return new VerifyingReadStream(c.response, hash, length, "IPFS (" + cid + ")", onCorrupt)
        .onSourceEnd(() -> c.ended.set(true));
  }

  /** Reads content by CID alone (no SHA-256 check: the caller checks what it expects). */
  public Future<ContentStream> getByCid(String cid, long size) {
    ByteRange range = ByteRange.whole(size);
    return cat(cid, range).map(c -> new ContentStream(new ContentStat(null, size, cid, false), range,
        verified(c, null, size, cid, () -> { }), c.closer));
  }

  @Override
  public Future<ContentStat> stat(ContentHash hash) {
    return entry(hash).compose(e -> rpc.call("block/stat", Map.of("arg", e.cid(), "offline", true))
        .recover(t -> Future.failedFuture(t instanceof KuboException ke && ke.kuboMessage().contains("not found")
            ? StoreException.notFound(hash.hex()) : t))
        .compose(v -> isPinned(e.cid()))
        .map(pinned -> new ContentStat(hash, e.size(), e.cid(), pinned)));
  }

  private Future<Boolean> isPinned(String cid) {
    return rpc.call("pin/ls", Map.of("arg", cid, "type", "recursive"))
        .map(j -> j.getJsonObject("Keys", new JsonObject()).containsKey(cid))
        .recover(t -> t instanceof KuboException ke && ke.kuboMessage().contains("not pinned")
            ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  @Override
  public Future<Boolean> exists(ContentHash hash) {
    return stat(hash).map(s -> true).recover(t -> t instanceof StoreException se && se.error() == StoreError.NOT_FOUND
        ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  @Override
  public Future<Void> pin(ContentHash hash) {
    return entry(hash).compose(e -> rpc.call("pin/add", Map.of("arg", e.cid(), "recursive", true))).mapEmpty();
  }

  @Override
  public Future<Void> unpin(ContentHash hash) {
    return index.get(hash).compose(e -> e == null ? Future.succeededFuture() : unpinCid(e.cid()));
  }

  private Future<Void> unpinCid(String cid) {
    return rpc.call("pin/rm", Map.of("arg", cid, "recursive", true)).<Void>mapEmpty()
        .recover(t -> t instanceof KuboException ke && ke.kuboMessage().contains("not pinned")
            ? Future.succeededFuture() : Future.failedFuture(t));
  }

  @Override
  public Future<Boolean> delete(ContentHash hash) {
    return index.get(hash).compose(e -> e == null ? Future.succeededFuture(false)
        : unpinCid(e.cid()).compose(v -> index.remove(hash)));
  }

  @Override
  public Future<List<ContentHash>> list() {
    return index.hashes();
  }

  /** Closes the connection pool to kubo. */
  public Future<Void> close() {
    return rpc.close();
  }
}
