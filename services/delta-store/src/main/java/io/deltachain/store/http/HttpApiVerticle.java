package io.deltachain.store.http;

import io.deltachain.core.content.Cid;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.metrics.ServiceMetrics;
import io.deltachain.store.ContentStat;
import io.deltachain.store.ContentStore;
import io.deltachain.store.ContentStream;
import io.deltachain.store.PutOptions;
import io.deltachain.store.PutResult;
import io.deltachain.store.RangeRequest;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delta store's HTTP API.
 *
 * <ul>
 *   <li>{@code POST /deltas}: upload the raw request body (streamed to disk while hashed, never
 *       held in memory); optional declared hash in {@code X-Content-SHA256} or {@code ?hash=};
 *       answers 201 {@code {"hash","size","cid"?,"inlineEligible"}}.
 *   <li>{@code PUT /deltas/{hash}}: the same with the hash declared in the path.
 *   <li>{@code GET /deltas/{hash}}: the content, with {@code Range: bytes=...} support (206);
 *       {@code ?cid=} names the IPFS CID of content this node has not seen (as recorded on chain).
 *   <li>{@code HEAD /deltas/{hash}}: size and existence, no body.
 *   <li>{@code GET /deltas/{hash}/stat}: metadata as JSON.
 *   <li>{@code PUT /deltas/{hash}/pin}, {@code DELETE /deltas/{hash}/pin}: pin and unpin.
 *   <li>{@code GET /health}.
 * </ul>
 *
 * <p>{@code /content/...} is an alias of {@code /deltas/...}. Errors are JSON
 * {@code {"error": name, "message": text, ...}} with the status of their {@link StoreError}.
 */
public final class HttpApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApiVerticle.class);
  /** Request header that declares the SHA-256 of an upload. */
  public static final String HASH_HEADER = "X-Content-SHA256";
  /** Response header carrying the CID when an IPFS store holds the content. */
  public static final String CID_HEADER = "X-Content-CID";
  /** Response header telling whether the content is pinned. */
  public static final String PINNED_HEADER = "X-Content-Pinned";

  /** How long the rest of a rejected upload is read and dropped before the connection closes. */
  private static final long REJECT_DRAIN_MILLIS = 2000;

  private final ContentStore store;
  private final HttpApiConfig config;
  private final String storedAddress;
  private HttpServer server;
  private final Counter uploadedBytes = Counter.builder("deltachain_store_uploaded_bytes_total")
      .description("Bytes stored through the HTTP API").register(ServiceMetrics.registry());
  private final Counter servedBytes = Counter.builder("deltachain_store_served_bytes_total")
      .description("Bytes served by the HTTP API (downloads and ranges)").register(ServiceMetrics.registry());
  private final Timer uploadTimer = Timer.builder("deltachain_store_upload_seconds")
      .description("Time to receive, hash and store one upload").register(ServiceMetrics.registry());

  /** An API that announces nothing on the event bus. */
  public HttpApiVerticle(ContentStore store, HttpApiConfig config) {
    this(store, config, null);
  }

  /**
   * @param storedAddress where {@code DeltaStored} is published after each upload, or null
   */
  public HttpApiVerticle(ContentStore store, HttpApiConfig config, String storedAddress) {
    this.store = store;
    this.config = config;
    this.storedAddress = storedAddress;
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    for (String base : new String[] {"/deltas", "/content"}) {
      router.post(base).handler(rc -> upload(rc, null));
      router.put(base + "/:hash").handler(rc -> withHash(rc, h -> upload(rc, h)));
      router.get(base + "/:hash/stat").handler(rc -> withHash(rc, h -> stat(rc, h)));
      router.route(HttpMethod.PUT, base + "/:hash/pin").handler(rc -> withHash(rc, h -> respondVoid(rc, store.pin(h), h, true)));
      router.route(HttpMethod.POST, base + "/:hash/pin").handler(rc -> withHash(rc, h -> respondVoid(rc, store.pin(h), h, true)));
      router.delete(base + "/:hash/pin").handler(rc -> withHash(rc, h -> respondVoid(rc, store.unpin(h), h, false)));
      router.head(base + "/:hash").handler(rc -> withHash(rc, h -> head(rc, h)));
      router.get(base + "/:hash").handler(rc -> withHash(rc, h -> download(rc, h)));
    }
    router.get("/metrics").handler(rc -> rc.response().putHeader(HttpHeaders.CONTENT_TYPE, ServiceMetrics.CONTENT_TYPE)
        .end(ServiceMetrics.scrape()));
    router.get("/health").handler(rc -> rc.json(new JsonObject().put("status", "ok").put("store", store.name())));
    router.route().last().handler(rc -> sendError(rc.response(),
        new StoreException(StoreError.NOT_FOUND, "no endpoint " + rc.request().method() + " " + rc.request().path())));
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setHandle100ContinueAutomatically(false)
        .setMaxChunkSize(64 * 1024)
        .setCompressionSupported(false);
    return vertx.createHttpServer(options).requestHandler(router).listen()
        .onSuccess(s -> {
          server = s;
          LOG.info("delta-store HTTP API on {}:{} (backend {})", config.host(), s.actualPort(), store.name());
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private interface HashHandler {
    void handle(ContentHash hash);
  }

  private void withHash(RoutingContext rc, HashHandler h) {
    ContentHash hash;
    try {
      hash = ContentHash.parse(rc.pathParam("hash"));
    } catch (IllegalArgumentException e) {
      rejectRequest(rc, new StoreException(StoreError.BAD_REQUEST, e.getMessage()));
      return;
    }
    h.handle(hash);
  }

  private void upload(RoutingContext rc, ContentHash fromPath) {
    HttpServerRequest req = rc.request();
    // Nothing may flow (and be dropped) before the store attaches its handler; it resumes.
    req.pause();
    ContentHash declared;
    long length;
    try {
      declared = declaredHash(req, fromPath);
      length = contentLength(req);
    } catch (StoreException e) {
      rejectRequest(rc, e);
      return;
    }
    PutOptions options = new PutOptions(declared, length, config.maxUploadBytes());
    try {
      options.checkDeclaredSize();
    } catch (StoreException e) {
      // With "Expect: 100-continue" the client has not sent the body yet and never will.
      rejectRequest(rc, e);
      return;
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      rc.response().writeContinue();
    }
    long started = System.nanoTime();
    store.put(req, options)
        .onSuccess(r -> {
          uploadTimer.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
          uploadedBytes.increment(r.size());
          LOG.info("stored hash={} size={} store={}", r.hash().hex(), r.size(), store.name());
        })
        .onSuccess(r -> StoredEvents.publish(vertx, storedAddress, r))
        .onSuccess(r -> rc.response().setStatusCode(201)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(uploadJson(r).encode()))
        .onFailure(t -> {
          if (!req.isEnded()) {
            rejectRequest(rc, t);
          } else {
            sendError(rc.response(), t);
          }
        });
  }

  private JsonObject uploadJson(PutResult r) {
    return r.toJson().put("inlineEligible", r.size() <= config.inlineMaxBytes());
  }

  /**
   * Answers an error while the request body may still be arriving. The rest of the body is
   * read and dropped, so that a client still sending gets to read the answer; if it has not
   * ended after a grace period the connection is closed (a huge body is not worth reading).
   */
  private void rejectRequest(RoutingContext rc, Throwable t) {
    HttpServerRequest req = rc.request();
    if (req.isEnded()) {
      sendError(rc.response(), t);
      return;
    }
    long timer = vertx.setTimer(REJECT_DRAIN_MILLIS, id -> req.connection().close());
    req.exceptionHandler(e -> { });
    // Once the whole body is read the connection is clean again; closing it then (with the
    // client's last bytes unread) would reset it and could destroy the answer in flight.
    req.endHandler(v -> vertx.cancelTimer(timer));
    req.handler(b -> { });
    req.resume();
    sendError(rc.response(), t);
  }

  private static ContentHash declaredHash(HttpServerRequest req, ContentHash fromPath) {
    ContentHash declared = fromPath;
    for (String candidate : new String[] {req.getHeader(HASH_HEADER), req.getParam("hash")}) {
      if (candidate == null || candidate.isBlank()) {
        continue;
      }
      ContentHash h;
      try {
        h = ContentHash.parse(candidate.trim());
      } catch (IllegalArgumentException e) {
        throw new StoreException(StoreError.BAD_REQUEST, "declared hash: " + e.getMessage());
      }
      if (declared != null && !declared.equals(h)) {
        throw new StoreException(StoreError.BAD_REQUEST,
            "the request declares two different hashes, " + declared.hex() + " and " + h.hex());
      }
      declared = h;
    }
    return declared;
  }

  private static long contentLength(HttpServerRequest req) {
    String v = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (v == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new StoreException(StoreError.BAD_REQUEST, "Content-Length '" + v + "' is not a non-negative integer");
    }
  }

  private void head(RoutingContext rc, ContentHash hash) {
    store.stat(hash).onSuccess(s -> {
      HttpServerResponse resp = rc.response();
      contentHeaders(resp, s);
      resp.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(s.size())).end();
    }).onFailure(t -> {
      StoreException e = StoreException.wrap(t, "stat");
      rc.response().setStatusCode(e.error().httpStatus()).putHeader("X-Error", e.error().wireName()).end();
    });
  }

  private static void contentHeaders(HttpServerResponse resp, ContentStat s) {
    resp.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.ETAG, "\"" + s.hash().hex() + "\"")
        .putHeader(HASH_HEADER, s.hash().hex())
        .putHeader(PINNED_HEADER, Boolean.toString(s.pinned()))
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
    if (s.cid() != null) {
      resp.putHeader(CID_HEADER, s.cid());
    }
  }

  private void stat(RoutingContext rc, ContentHash hash) {
    store.stat(hash).onSuccess(s -> rc.json(s.toJson())).onFailure(t -> sendError(rc.response(), t));
  }

  private void respondVoid(RoutingContext rc, Future<Void> op, ContentHash hash, boolean pinned) {
    op.onSuccess(v -> rc.json(new JsonObject().put("hash", hash.hex()).put("pinned", pinned)))
        .onFailure(t -> sendError(rc.response(), t));
  }

  private void download(RoutingContext rc, ContentHash hash) {
    String rangeHeader = rc.request().getHeader("Range");
    RangeRequest range = rangeHeader == null ? null : RangeRequest.http(rangeHeader);
    HttpServerResponse resp = rc.response();
    String cid = rc.request().getParam("cid");
    if (cid != null && !cid.isBlank()) {
      try {
        Cid.parse(cid);
      } catch (IllegalArgumentException e) {
        sendError(resp, new StoreException(StoreError.BAD_REQUEST, "cid '" + cid + "' is not a CID: " + e.getMessage()));
        return;
      }
    }
    Future<Void> known = cid == null || cid.isBlank() ? Future.succeededFuture()
        : store.exists(hash).compose(here -> here ? Future.succeededFuture() : store.link(hash, cid).mapEmpty());
    known.compose(v -> store.get(hash, range)).onSuccess(cs -> send(rc, cs, rangeHeader != null)).onFailure(t -> {
      StoreException e = StoreException.wrap(t, "reading " + hash.hex());
      if (e.error() == StoreError.RANGE_NOT_SATISFIABLE) {
        store.stat(hash).onComplete(ar -> {
          if (ar.succeeded()) {
            resp.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + ar.result().size());
          }
          sendError(resp, e);
        });
      } else {
        sendError(resp, e);
      }
    });
  }

  private void send(RoutingContext rc, ContentStream cs, boolean ranged) {
    servedBytes.increment(cs.range().length());
    HttpServerResponse resp = rc.response();
    contentHeaders(resp, cs.stat());
    resp.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(cs.range().length()));
    if (ranged) {
      resp.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE,
          "bytes " + cs.range().offset() + "-" + cs.range().lastInclusive() + "/" + cs.stat().size());
    }
    if (cs.verifiedFile() != null) {
      // Verified and unchanged since: zero-copy from the file.
      resp.sendFile(cs.verifiedFile().toString(), cs.range().offset(), cs.range().length())
          .onComplete(ar -> cs.close());
      return;
    }
    cs.stream().pipe().endOnFailure(false).to(resp).onComplete(ar -> {
      cs.close();
      if (ar.failed()) {
        StoreException e = StoreException.wrap(ar.cause(), "sending " + cs.stat().hash().hex());
        if (!resp.headWritten()) {
          resp.headers().remove(HttpHeaders.CONTENT_RANGE);
          sendError(resp, e);
        } else if (!resp.closed()) {
          // Part of the body is out: the only honest signal left is to cut the connection,
          // so the client sees a short body instead of a complete wrong one.
          LOG.error("aborting the response for {} after {} bytes: {}", cs.stat().hash().hex(),
              resp.bytesWritten(), e.getMessage());
          resp.reset();
        }
      }
    });
  }

  /** Sends a JSON error body with the status of the error. */
  static Future<Void> sendError(HttpServerResponse resp, Throwable t) {
    if (resp.ended() || resp.closed()) {
      return Future.succeededFuture();
    }
    StoreException e = StoreException.wrap(t, "the request");
    if (e.error() == StoreError.INTERNAL) {
      LOG.error("internal error", t);
    }
    String body = e.toJson().encode();
    return resp.setStatusCode(e.error().httpStatus())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length))
        .end(body);
  }
}
