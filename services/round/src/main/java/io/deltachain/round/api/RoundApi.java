package io.deltachain.round.api;

import io.deltachain.core.content.ContentHash;
import io.deltachain.round.RequestException;
import io.deltachain.round.RoundService;
import io.deltachain.round.StartRoundRequest;
import io.deltachain.round.SubmitDeltaRequest;
import io.deltachain.round.cost.QuotaDecision;
import io.deltachain.round.data.Dataset;
import io.deltachain.round.data.Sharding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the API router from {@code openapi.yaml}: every operation in the document gets its
 * handler here, requests are validated against the document before a handler runs, POST
 * operations need a bearer token, every client is held to its quota, and every failure answers
 * with {@code {"error", "message", "status"}}: 400 for requests that do not match the document,
 * 401 without a valid token, 404 for unknown resources, 409 for state conflicts, 413 for
 * oversized bodies, 422 for well-formed but unusable requests, 429 over quota.
 */
public final class RoundApi {
  /** The contract's classpath location. */
  public static final String CONTRACT = "openapi.yaml";
  private static final Logger LOG = LoggerFactory.getLogger(RoundApi.class);
  private static final String CLIENT = "deltachain.client";

  private final Vertx vertx;
  private final RoundService service;
  private final long maxBodyBytes;
  private final MeterRegistry metrics;

  private RoundApi(Vertx vertx, RoundService service, long maxBodyBytes, MeterRegistry metrics) {
    this.vertx = vertx;
    this.service = service;
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = metrics;
  }

  /**
   * The router, once the contract has loaded.
   *
   * @param metrics the registry {@code /metrics} scrapes (a Prometheus one)
   */
  public static Future<Router> router(Vertx vertx, RoundService service, long maxBodyBytes,
      PrometheusMeterRegistry metrics) {
    RoundApi api = new RoundApi(vertx, service, maxBodyBytes, metrics);
    return vertx.fileSystem().readFile(CONTRACT).compose(yaml ->
        OpenAPIContract.from(vertx, CONTRACT).map(contract -> api.build(contract, yaml, metrics)));
  }

  private Router build(OpenAPIContract contract, Buffer yaml, PrometheusMeterRegistry prometheus) {
    RouterBuilder rb = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    // a platform handler runs before the body handler: unauthenticated bodies are never buffered
    rb.rootHandler((io.vertx.ext.web.handler.PlatformHandler) this::authenticateAndCount);
    rb.rootHandler(BodyHandler.create(false).setBodyLimit(maxBodyBytes).setHandleFileUploads(false));

    on(rb, "startRound", this::startRound);
    on(rb, "submitDelta", this::submitDelta);
    on(rb, "submitSignedDelta", rc -> service.submitSignedDelta(path(rc, "id"),
        validated(rc).getBody().getJsonObject().getString("signed_tx")));
    on(rb, "cancelRound", rc -> {
      JsonObject body = bodyOrEmpty(rc);
      return service.cancel(path(rc, "id"), body.getString("reason"));
    }, 200);
    on(rb, "getRoundStatus", rc -> Future.succeededFuture(service.status(path(rc, "id"))), 200);
    on(rb, "getRoundPlan", rc -> Future.succeededFuture(service.plan(path(rc, "id"))), 200);
    on(rb, "getRoundCost", rc -> Future.succeededFuture(service.cost(path(rc, "id"))), 200);
    on(rb, "listRounds", rc -> {
      ValidatedRequest v = validated(rc);
      String state = Optional.ofNullable(v.getQuery().get("state")).map(RequestParameter::getString).orElse(null);
      int limit = Optional.ofNullable(v.getQuery().get("limit")).map(RequestParameter::getInteger).orElse(100);
      return Future.succeededFuture(new JsonObject().put("rounds", service.list(state, limit)));
    }, 200);
    on(rb, "getDelta", rc -> Future.succeededFuture(service.delta(path(rc, "delta_id"))), 200);
    on(rb, "getLineage", rc -> service.lineage(path(rc, "layer")), 200);
    on(rb, "listWorkers", rc -> Future.succeededFuture(new JsonObject().put("workers", service.workers())), 200);
    rb.getRoute("heartbeat").addHandler(rc -> {
      Double tps = bodyOrEmpty(rc).getDouble("tokens_per_second");
      try {
        service.heartbeat(path(rc, "address"), tps);
        rc.response().setStatusCode(204).end();
      } catch (RuntimeException e) {
        rc.fail(e);
      }
    });
    on(rb, "registerDataset", rc -> {
      JsonObject body = validated(rc).getBody().getJsonObject();
      List<String> docs = body.getJsonArray("documents").stream().map(String.class::cast).toList();
      Dataset d = service.registerDataset(body.getString("name"), docs);
      return Future.succeededFuture(RoundService.datasetJson(d));
    }, 201);
    on(rb, "listDatasets", rc -> Future.succeededFuture(new JsonObject().put("datasets", new JsonArray(
        service.datasets().all().stream().map(RoundService::datasetJson).toList()))), 200);
    on(rb, "getDataset", rc -> Future.succeededFuture(RoundService.datasetJson(dataset(path(rc, "hash")))), 200);
    on(rb, "getShard", this::shard, 200);
    on(rb, "health", rc -> Future.succeededFuture(service.health()), 200);
    rb.getRoute("metrics").addHandler(rc -> rc.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(scrape(prometheus)));
    for (OpenAPIRoute route : rb.getRoutes()) {
      // authentication runs first for every route, in authenticateAndCount; see the class doc
      route.setDoSecurity(false);
      route.addFailureHandler(this::fail);
    }

    Router router = rb.createRouter();
    router.get("/openapi.yaml").handler(rc -> rc.response()
        .putHeader("content-type", "application/yaml; charset=utf-8").end(yaml));
    router.route().failureHandler(this::fail);
    router.errorHandler(404, rc -> send(rc, new RequestException(404, "not_found",
        "no such endpoint: " + rc.request().method() + " " + rc.request().path() + "; see /openapi.yaml")));
    router.errorHandler(405, rc -> send(rc, new RequestException(405, "method_not_allowed",
        rc.request().method() + " is not allowed on " + rc.request().path() + "; see /openapi.yaml")));
    return router;
  }

  /**
   * The service's registry, plus the process-wide one when they differ: the validators, trainers
   * and delta store of the same JVM (the devnet) record there, and have no HTTP server of their own.
   */
  private static String scrape(PrometheusMeterRegistry own) {
    PrometheusMeterRegistry process = io.deltachain.core.metrics.ServiceMetrics.registry();
    return process == own ? own.scrape() : own.scrape() + process.scrape();
  }

  // --- handlers --------------------------------------------------------------------------------

  private Future<JsonObject> startRound(RoutingContext rc) {
    String client = rc.get(CLIENT);
    QuotaDecision q = service.quotas().tryStartRound(client);
    if (!q.allowed()) {
      return Future.failedFuture(new QuotaExceeded(client, q));
    }
    JsonObject b = validated(rc).getBody().getJsonObject();
    JsonObject h = b.getJsonObject("hyperparams");
    JsonObject layers = b.getJsonObject("layers");
    JsonArray targets = b.getJsonArray("target_modules");
    StartRoundRequest req = new StartRoundRequest(b.getString("model_id"), b.getString("mode"), b.getString("dataset"),
        h.getNumber("lr").doubleValue(), h.getInteger("batch_size"), h.getInteger("epochs"), h.getInteger("lora_rank"),
        h.getInteger("sequence_length"), b.getString("aggregation"), b.getInteger("training_blocks"),
        b.getInteger("validation_blocks"), h.getInteger("steps"), layers == null ? null : layers.getInteger("first"),
        layers == null ? null : layers.getInteger("last"),
        targets == null ? null : targets.stream().map(String.class::cast).toList(),
        h.getNumber("lora_alpha") == null ? null : h.getNumber("lora_alpha").doubleValue());
    return service.startRound(client, req);
  }

  private Future<JsonObject> submitDelta(RoutingContext rc) {
    JsonObject b = validated(rc).getBody().getJsonObject();
    JsonObject m = b.getJsonObject("metrics");
    SubmitDeltaRequest req = new SubmitDeltaRequest(b.getString("layer_name"), b.getString("base_hash"),
        b.getString("delta_block_hash"), m.getNumber("loss_before").doubleValue(),
        m.getNumber("loss_after").doubleValue(), m.getNumber("eval_score").doubleValue(), b.getString("trainer"),
        b.getString("cid"), b.getLong("size_bytes"), b.getLong("tokens"));
    return service.submitDelta(path(rc, "id"), req);
  }

  private Future<JsonObject> shard(RoutingContext rc) {
    ValidatedRequest v = validated(rc);
    Dataset d = dataset(path(rc, "hash"));
    int index = v.getPathParameters().get("index").getInteger();
    int count = v.getQuery().get("count").getInteger();
    long seed;
    try {
      seed = Long.parseUnsignedLong(v.getQuery().get("seed").getString());
    } catch (NumberFormatException e) {
      throw new RequestException(400, "invalid_request", "seed must be an unsigned 64-bit decimal");
    }
    if (index >= count) {
      throw new RequestException(400, "invalid_request", "shard index " + index + " must be below count " + count);
    }
    List<String> docs = Sharding.shardDocuments(d, seed, index, count);
    return Future.succeededFuture(new JsonObject().put("dataset", d.hash().hex()).put("index", index)
        .put("count", count).put("seed", Long.toUnsignedString(seed)).put("documents", new JsonArray(docs)));
  }

  private Dataset dataset(String hash) {
    return service.datasets().get(ContentHash.parse(hash.toLowerCase(Locale.ROOT))).orElseThrow(() ->
        new RequestException(404, "dataset_not_found", "no dataset with hash " + hash));
  }

  // --- plumbing --------------------------------------------------------------------------------

  private void on(RouterBuilder rb, String operationId, Function<RoutingContext, Future<JsonObject>> handler) {
    on(rb, operationId, handler, 202);
  }

  private void on(RouterBuilder rb, String operationId, Function<RoutingContext, Future<JsonObject>> handler,
      int status) {
    OpenAPIRoute route = rb.getRoute(operationId);
    if (route == null) {
      throw new IllegalStateException("the contract has no operation " + operationId);
    }
    route.addHandler(rc -> {
      Future<JsonObject> f;
      try {
        f = handler.apply(rc);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onSuccess(json -> rc.response().setStatusCode(status)
              .putHeader("content-type", "application/json").end(json.encode()))
          .onFailure(rc::fail);
    });
  }

  /**
   * Runs before anything else: POST needs a known bearer token; a request that sends a bearer
   * token is that token's client (a GET too, so a client's reads count against its own quota; a
   * GET with an unknown token is refused), one without is anonymous and counted per remote
   * address. Every request counts against its client's quota
   * except {@code GET /health} and {@code GET /metrics}: monitoring neither spends nor is refused
   * by a quota.
   */
  private void authenticateAndCount(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    boolean post = rc.request().method() == HttpMethod.POST;
    if (!post && header != null && !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      header = null; // a read with another scheme (a proxy's Basic credentials) stays anonymous
    }
    String client;
    if (header == null || header.isBlank()) {
      if (post) {
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"deltachain\"");
        send(rc, new RequestException(401, "unauthorized",
            "this operation needs an API token: send the header 'Authorization: Bearer <token>'"));
        return;
      }
      client = "anonymous@" + rc.request().remoteAddress().hostAddress();
    } else {
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"deltachain\"");
        send(rc, new RequestException(401, "unauthorized", "the Authorization header must use the Bearer scheme"));
        return;
      }
      Optional<String> known = service.clientOf(header.substring(7).strip());
      if (known.isEmpty()) {
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"deltachain\", error=\"invalid_token\"");
        send(rc, new RequestException(401, "unauthorized", "the API token is not valid"));
        return;
      }
      client = known.get();
    }
    rc.put(CLIENT, client);
    String path = rc.normalizedPath();
    boolean monitoring = rc.request().method() == HttpMethod.GET && (path.equals("/health") || path.equals("/metrics"));
    if (!monitoring) {
      QuotaDecision q = service.quotas().tryRequest(client);
      if (!q.allowed()) {
        send(rc, new QuotaExceeded(client, q));
        return;
      }
    }
    rc.next();
  }

  private void fail(RoutingContext rc) {
    if (rc.response().ended()) {
      return;
    }
    Throwable e = rc.failure();
    if (e instanceof RequestException re) {
      send(rc, re);
    } else if (e instanceof QuotaExceeded qe) {
      send(rc, qe);
    } else if (e instanceof HttpException && e.getCause() instanceof ValidatorException ve) {
      send(rc, new RequestException(400, "invalid_request", describe(ve)));
    } else if (e instanceof ValidatorException ve) {
      send(rc, new RequestException(400, "invalid_request", describe(ve)));
    } else if (e instanceof DecodeException) {
      send(rc, new RequestException(400, "invalid_request", "the body is not valid JSON: " + e.getMessage()));
    } else if (rc.statusCode() == 413 || (e instanceof HttpException he && he.getStatusCode() == 413)) {
      send(rc, new RequestException(413, "body_too_large", "the request body exceeds the limit of "
          + maxBodyBytes + " bytes"));
    } else if (e instanceof HttpException he && he.getStatusCode() < 500) {
      send(rc, new RequestException(he.getStatusCode(), "invalid_request",
          he.getPayload() != null ? he.getPayload() : "the request was refused (HTTP " + he.getStatusCode() + ")"));
    } else if (e == null && rc.statusCode() >= 400 && rc.statusCode() < 500) {
      send(rc, new RequestException(rc.statusCode(), "invalid_request", "the request was refused (HTTP "
          + rc.statusCode() + ")"));
    } else {
      LOG.error("internal error on {} {}", rc.request().method(), rc.request().path(), e);
      Counter.builder("deltachain_round_api_internal_errors_total").register(metrics).increment();
      send(rc, new RequestException(500, "internal_error", "the service failed: "
          + (e == null ? "HTTP " + rc.statusCode() : e.getClass().getSimpleName() + ": " + e.getMessage())));
    }
  }

  /**
   * The validator's message, made specific: JSON Schema reports a failure at every level of the
   * body, so the deepest one (the field actually at fault) is named with its location.
   */
  static String describe(ValidatorException e) {
    String msg = e.getMessage();
    boolean aboutBody = msg != null && msg.contains("request body");
    if (aboutBody && e instanceof SchemaValidationException sve && sve.getOutputUnit() != null) {
      List<io.vertx.json.schema.OutputUnit> leaves = new java.util.ArrayList<>();
      collect(sve.getOutputUnit(), leaves);
      // the validator also flags a property that failed its own schema as "additional"; the
      // property's own error (type, range, pattern) says more, so prefer it when there is one
      List<io.vertx.json.schema.OutputUnit> specific = leaves.stream().filter(u -> !isAdditional(u)).toList();
      io.vertx.json.schema.OutputUnit leaf = (specific.isEmpty() ? leaves : specific).stream()
          .max(java.util.Comparator.comparingInt(RoundApi::depth)).orElse(null);
      if (leaf != null) {
        String where = leaf.getInstanceLocation();
        String field = where == null || where.isBlank() || where.equals("#") ? "the body"
            : where.replaceFirst("^#?/?", "").replace('/', '.');
        msg = specific.isEmpty() && isAdditional(leaf)
            ? "invalid request body: unknown field '" + field + "' (see /openapi.yaml for the fields)"
            : "invalid request body at " + field + ": " + leaf.getError();
      }
    }
    return msg;
  }

  private static void collect(io.vertx.json.schema.OutputUnit unit, List<io.vertx.json.schema.OutputUnit> out) {
    if (unit.getError() != null && !unit.getError().isBlank()) {
      out.add(unit);
    }
    if (unit.getErrors() != null) {
      unit.getErrors().forEach(c -> collect(c, out));
    }
  }

  private static boolean isAdditional(io.vertx.json.schema.OutputUnit u) {
    String kw = u.getKeywordLocation() == null ? "" : u.getKeywordLocation();
    return kw.endsWith("additionalProperties") || kw.endsWith("unevaluatedProperties");
  }

  private static int depth(io.vertx.json.schema.OutputUnit u) {
    String loc = u.getInstanceLocation() == null ? "" : u.getInstanceLocation();
    String kw = u.getKeywordLocation() == null ? "" : u.getKeywordLocation();
    return loc.split("/").length * 1000 + kw.length();
  }

  private static void send(RoutingContext rc, RequestException e) {
    rc.response().setStatusCode(e.status()).putHeader("content-type", "application/json").end(e.toJson().encode());
  }

  private void send(RoutingContext rc, QuotaExceeded e) {
    Counter.builder("deltachain_round_api_quota_rejections_total").tag("limit", e.decision.limit())
        .register(metrics).increment();
    rc.response().setStatusCode(429).putHeader("content-type", "application/json")
        .putHeader("Retry-After", Long.toString(e.decision.retryAfterSeconds()))
        .end(e.decision.toJson(e.client).put("status", 429).encode());
  }

  private static ValidatedRequest validated(RoutingContext rc) {
    return rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  private static String path(RoutingContext rc, String name) {
    return validated(rc).getPathParameters().get(name).getString();
  }

  private static JsonObject bodyOrEmpty(RoutingContext rc) {
    RequestParameter body = validated(rc).getBody();
    return body == null || body.isNull() || body.isEmpty() || !body.isJsonObject()
        ? new JsonObject() : body.getJsonObject();
  }

  /** Over quota. */
  private static final class QuotaExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient QuotaDecision decision;
    final String client;

    QuotaExceeded(String client, QuotaDecision decision) {
      super("quota exceeded", null, false, false);
      this.client = client;
      this.decision = decision;
    }
  }
}
