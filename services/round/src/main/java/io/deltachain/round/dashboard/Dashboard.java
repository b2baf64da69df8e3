package io.deltachain.round.dashboard;

import io.deltachain.round.RoundBus;
import io.deltachain.round.RoundService;
import io.deltachain.round.chain.RoundChain;
import io.deltachain.round.lifecycle.RegisteredWorker;
import io.deltachain.round.lifecycle.RoundView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator dashboard: a static page ({@code /dashboard/}, from the jar's
 * {@code webroot/dashboard}) and the data it draws, one JSON snapshot of the network served at
 * {@code /dashboard/api/snapshot} and pushed as server-sent events on
 * {@code /dashboard/api/events} whenever it changes.
 *
 * <p>A snapshot joins what the round service holds (rounds, deltas, checkpoints, workers, cost)
 * with what only the event bus carries (training-loss points from trainer progress events,
 * trainer state from heartbeats, the validators' evaluation losses) and what only the ledger
 * answers (every validator's verdict with its power, checkpoint lineage with the aggregation
 * method, reputations, the validator set, the app hash), read through {@link RoundChain#query}
 * and cached: a decided delta's verdicts are read once, a pending one's once per block.
 *
 * <p>Confined to the round service's context, like the service.
 */
public final class Dashboard {
  /** Where the page's files are on the classpath. */
  public static final String WEBROOT = "webroot/dashboard";
  /** Trainers' progress events (the trainer service's own contract). */
  public static final String TRAINER_PROGRESS = "trainer.task.progress";
  /** Trainers' progress events (the core bus contract, {@code TaskProgress}). */
  public static final String CORE_PROGRESS = "trainer.progress";
  /** Validators' evaluation results for each judged delta (published by the validator service). */
  public static final String VERDICT_EVIDENCE = "validator.verdict.evidence";

  static final int MAX_ROUNDS = 20;
  private static final long SLOW_REFRESH_MS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);

  private final Vertx vertx;
  private final RoundService service;
  private final RoundChain chain;
  private final Clock clock;
  private final long refreshMs;
  private final TrainingCurves curves = new TrainingCurves();
  private final Map<String, Telemetry> telemetry = new TreeMap<>();
  private final Map<String, JsonObject> verdicts = new HashMap<>();
  private final Map<String, String> verdictKeys = new HashMap<>();
  private final Map<String, List<JsonObject>> evalLosses = new HashMap<>();
  private final Map<String, JsonObject> lineage = new TreeMap<>();
  private final Map<String, String> lineageKeys = new HashMap<>();
  private final Map<String, JsonObject> nodes = new HashMap<>();
  private final Set<HttpServerResponse> clients = new LinkedHashSet<>();
  private JsonObject network = new JsonObject().put("available", false).put("error", "not read yet");
  private long slowRefreshAt;
  private boolean ledgerQueries = true;
  private boolean refreshing;
  private String lastSent = "";
  private long timer = -1;
  private long keepAlive = -1;

  /** What heartbeats and progress events said about one trainer. */
  private static final class Telemetry {
    String state = "UNKNOWN";
    String taskId;
    String device;
    Long freeMemoryBytes;
    Double utilization;
    Long uploadedBytes;
    Double uploadBytesPerSecond;
    double busyShare;
    long heartbeats;
    long lastHeardMillis;
  }

  /**
   * @param refreshMs how often the snapshot is rebuilt while a page is connected
   */
  public Dashboard(Vertx vertx, RoundService service, RoundChain chain, Clock clock, long refreshMs) {
    this.vertx = vertx;
    this.service = service;
    this.chain = chain;
    this.clock = clock;
    this.refreshMs = refreshMs;
  }

  /** Listens on the event bus and starts the refresh timer; call on the service's context. */
  public Dashboard start(MeterRegistry metrics) {
    var bus = vertx.eventBus();
    bus.<JsonObject>consumer(TRAINER_PROGRESS, m -> onProgress(m.body()));
    bus.<JsonObject>consumer(CORE_PROGRESS, m -> onProgress(m.body()));
    bus.<JsonObject>consumer(RoundBus.TRAINER_HEARTBEAT, m -> onHeartbeat(m.body()));
    bus.<JsonObject>consumer(VERDICT_EVIDENCE, m -> onEvidence(m.body()));
    timer = vertx.setPeriodic(refreshMs, id -> {
      if (!clients.isEmpty()) {
        push();
      }
    });
    keepAlive = vertx.setPeriodic(15_000, id -> clients.forEach(c -> c.write(": keep-alive\n\n")));
    Gauge.builder("deltachain_round_dashboard_clients", clients, Set::size)
        .description("Dashboard pages connected for live updates").register(metrics);
    return this;
  }

  /** Stops the timers and closes the live connections. */
  public void stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(keepAlive);
    new ArrayList<>(clients).forEach(c -> {
      try {
        c.end();
      } catch (IllegalStateException ignored) {
        // already closed by the browser
      }
    });
    clients.clear();
  }

  /** Adds the page, the snapshot and the event stream to the router. */
  public void mount(Router router) {
    router.get("/").handler(rc -> rc.redirect("/dashboard/"));
    // a route's path also matches with a trailing slash: only the bare path is redirected
    router.get("/dashboard").handler(rc -> {
      if (rc.request().path().endsWith("/")) {
        rc.next();
      } else {
        rc.redirect("/dashboard/");
      }
    });
    router.get("/dashboard/api/snapshot").handler(rc -> refresh().onComplete(ar -> rc.response()
        .putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
        .end(snapshot().encode())));
    router.get("/dashboard/api/events").handler(this::events);
    router.get("/dashboard/*").handler(StaticHandler.create(WEBROOT).setCachingEnabled(false)
        .setDefaultContentEncoding("UTF-8"));
  }

  // --- events ----------------------------------------------------------------------------------

  private void onProgress(JsonObject body) {
    if (body == null) {
      return;
    }
    try {
      String roundId = body.getValue("roundId") == null ? null : String.valueOf(body.getValue("roundId"));
      String trainer = body.getString("trainerAddress", body.getString("node"));
      TrainingCurves.TaskRef ref = TrainingCurves.parseTaskId(body.getString("taskId")).orElse(null);
      if (ref != null) {
        roundId = roundId == null ? ref.roundId() : roundId;
        trainer = ref.trainer();
      }
      if (roundId == null || trainer == null) {
        return;
      }
      double loss = body.containsKey("lossMicro") ? body.getLong("lossMicro") / 1e6
          : body.getNumber("loss", Double.NaN).doubleValue();
      curves.add(roundId, trainer, body.getNumber("step", 0).longValue(), body.getNumber("totalSteps", 0).longValue(),
          loss, body.getNumber("tokensPerSecond", 0).doubleValue());
    } catch (ClassCastException e) {
      LOG.debug("ignoring a malformed progress event {}: {}", body, e.toString());
    }
  }

  private void onHeartbeat(JsonObject body) {
    Object address = body == null ? null : body.getValue("trainerAddress");
    if (!(address instanceof String a) || !a.matches("[0-9a-fA-F]{40}")) {
      return;
    }
    Telemetry t = telemetry.computeIfAbsent(a.toLowerCase(Locale.ROOT), k -> new Telemetry());
    try {
      t.state = body.getString("state", t.state);
      t.taskId = body.getString("taskId");
      t.device = body.getString("device", t.device);
      Number free = body.getNumber("freeMemoryBytes");
      t.freeMemoryBytes = free == null ? t.freeMemoryBytes : Long.valueOf(free.longValue());
      // measured by the trainer at each heartbeat: NVML on a GPU, its process CPU load on the CPU
      Number util = body.getNumber("utilization");
      t.utilization = util == null ? null : Double.valueOf(util.doubleValue());
      Number up = body.getNumber("uploadedBytes");
      t.uploadedBytes = up == null ? t.uploadedBytes : Long.valueOf(up.longValue());
      Number rate = body.getNumber("uploadBytesPerSecond");
      t.uploadBytesPerSecond = rate == null ? t.uploadBytesPerSecond : Double.valueOf(rate.doubleValue());
    } catch (ClassCastException e) {
      LOG.debug("ignoring malformed heartbeat fields {}: {}", body, e.toString());
    }
    // share of recent heartbeats spent training: an exponential average over about 10 heartbeats
    double busy = "TRAINING".equals(t.state) || "SUBMITTING".equals(t.state) ? 1 : 0;
    t.busyShare = t.heartbeats == 0 ? busy : t.busyShare * 0.9 + busy * 0.1;
    t.heartbeats++;
    t.lastHeardMillis = clock.millis();
  }

  private void onEvidence(JsonObject body) {
    if (body == null || body.getString("deltaId") == null) {
      return;
    }
    List<JsonObject> list = evalLosses.computeIfAbsent(body.getString("deltaId").toLowerCase(Locale.ROOT),
        k -> new ArrayList<>());
    if (list.size() < 64) {
      list.add(body.copy());
    }
  }

  private void events(RoutingContext rc) {
    HttpServerResponse res = rc.response().setChunked(true)
        .putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-store")
        .putHeader("x-accel-buffering", "no");
    res.write("retry: 2000\n\n");
    clients.add(res);
    res.closeHandler(v -> clients.remove(res));
    res.exceptionHandler(e -> clients.remove(res));
    refresh().onComplete(ar -> send(res, snapshot().encode()));
  }

  private void push() {
    refresh().onComplete(ar -> {
      JsonObject s = snapshot();
      // generated_at_ms changes every time; compare the rest
      String key = s.copy().put("generated_at_ms", 0).encode();
      if (key.equals(lastSent)) {
        return;
      }
      lastSent = key;
      String data = s.encode();
      new ArrayList<>(clients).forEach(c -> send(c, data));
    });
  }

  private void send(HttpServerResponse res, String json) {
    if (res.closed() || res.ended()) {
      clients.remove(res);
      return;
    }
    res.write("event: snapshot\ndata: " + json + "\n\n");
  }

  // --- the snapshot ----------------------------------------------------------------------------

  private List<RoundView> recentRounds() {
    List<RoundView> all = new ArrayList<>(service.tracker().rounds());
    Collections.reverse(all);
    return all.size() > MAX_ROUNDS ? all.subList(0, MAX_ROUNDS) : all;
  }

  /** The dashboard's data as of now, from the caches (see {@link #refresh}). */
  public JsonObject snapshot() {
    JsonArray rounds = new JsonArray();
    Set<String> layers = new TreeSet<>();
    Map<String, Long> uploaded = new HashMap<>();
    for (RoundView r : recentRounds()) {
      JsonObject s = service.status(r.roundId());
      s.put("curves", curves.toJson(r.roundId()));
      for (Object o : s.getJsonArray("deltas", new JsonArray())) {
        JsonObject d = (JsonObject) o;
        layers.add(d.getString("layer_name"));
        uploaded.merge(d.getString("trainer"), d.getLong("size_bytes", 0L), Long::sum);
        JsonObject v = verdicts.get(d.getString("delta_id"));
        if (v != null) {
          d.put("ledger", v);
        }
        List<JsonObject> ev = evalLosses.get(d.getString("delta_id"));
        if (ev != null) {
          d.put("eval", new JsonArray(new ArrayList<>(ev)));
        }
      }
      s.getJsonArray("checkpoints", new JsonArray()).forEach(c -> layers.add(((JsonObject) c).getString("layer")));
      rounds.add(s);
    }
    JsonArray workers = new JsonArray();
    long now = clock.millis();
    for (Object o : service.workers()) {
      JsonObject w = (JsonObject) o;
      String a = w.getString("address");
      RegisteredWorker reg = service.registry().get(a).orElse(null);
      if (reg != null) {
        w.put("heartbeat_age_s", Math.max(0, now - reg.lastSeenMillis()) / 1000.0);
      }
      Telemetry t = telemetry.get(a);
      if (t != null) {
        w.put("state", t.state).put("task_id", t.taskId).put("busy_share", t.busyShare)
            .put("free_memory_bytes", t.freeMemoryBytes).put("utilization", t.utilization)
            .put("upload_bytes_per_second", t.uploadBytesPerSecond).put("uploaded_bytes_total", t.uploadedBytes);
        if (t.device != null) {
          w.put("device", t.device);
        }
      }
      double tps = curves.latestTokensPerSecond(a);
      if (tps > 0) {
        w.put("progress_tokens_per_second", tps);
      }
      w.put("uploaded_bytes", uploaded.getOrDefault(a, 0L));
      JsonObject node = nodes.get(a);
      if (node != null) {
        w.put("reputation", node.getValue("reputation"))
            .put("accepted_deltas", node.getValue("accepted_deltas"))
            .put("rejected_deltas", node.getValue("rejected_deltas"))
            .put("voting_power", node.getValue("voting_power"));
        JsonObject caps = node.getJsonObject("capabilities");
        if (caps != null) {
          w.put("bandwidth_bytes_per_second", caps.getValue("bandwidth_bytes_per_second"));
        }
      }
      workers.add(w);
    }
    JsonArray lineages = new JsonArray();
    for (String layer : layers) {
      JsonObject l = lineage.get(layer);
      if (l != null) {
        lineages.add(l);
      }
    }
    return new JsonObject()
        .put("generated_at_ms", now)
        .put("height", service.tracker().height())
        .put("empty", rounds.isEmpty() && workers.isEmpty())
        .put("rounds", rounds)
        .put("workers", workers)
        .put("lineage", lineages)
        .put("chain", network.copy());
  }

  /**
   * Reads from the chain what the caches lack: the network status every time, verdicts of
   * deltas not read since their status (or, while pending, the height) changed, lineages of
   * layers whose checkpoints changed, and every {@value #SLOW_REFRESH_MS} ms the lineages and
   * the workers' ledger records again. Never fails; what could not be read stays as it was.
   */
  public Future<Void> refresh() {
    if (refreshing) {
      return Future.succeededFuture();
    }
    refreshing = true;
    List<Future<?>> work = new ArrayList<>();
    work.add(chain.networkStatus()
        .onSuccess(j -> network = j.copy().put("available", true))
        .onFailure(e -> network = network.copy().put("available", false).put("error", String.valueOf(e.getMessage()))));
    boolean slow = clock.millis() >= slowRefreshAt;
    if (slow) {
      slowRefreshAt = clock.millis() + SLOW_REFRESH_MS;
    }
    long height = service.tracker().height();
    Map<String, Integer> checkpointsPerLayer = new TreeMap<>();
    for (RoundView r : recentRounds()) {
      r.deltas().forEach(d -> {
        checkpointsPerLayer.merge(d.layer(), 0, Integer::sum);
        String key = d.status() + (d.status().name().equals("PENDING") ? "@" + height : "");
        if (ledgerQueries && !key.equals(verdictKeys.get(d.deltaId()))) {
          work.add(query("/delta/" + d.deltaId()).onSuccess(j -> {
            verdicts.put(d.deltaId(), j);
            verdictKeys.put(d.deltaId(), key);
          }));
        }
      });
      r.checkpoints().forEach(c -> checkpointsPerLayer.merge(c.layer(), 1, Integer::sum));
    }
    checkpointsPerLayer.forEach((layer, n) -> {
      String key = n + "";
      if (slow || !key.equals(lineageKeys.get(layer))) {
        work.add(lineageOf(layer).onSuccess(j -> {
          lineage.put(layer, j);
          lineageKeys.put(layer, key);
        }));
      }
    });
    if (slow && ledgerQueries) {
      for (Object o : service.workers()) {
        String a = ((JsonObject) o).getString("address");
        work.add(query("/node/" + a).onSuccess(j -> nodes.put(a, j)));
      }
    }
    return Future.join(work).<Void>mapEmpty().recover(e -> Future.succeededFuture())
        .onComplete(ar -> refreshing = false);
  }

  private Future<JsonObject> query(String path) {
    return chain.query(path).onFailure(e -> {
      if (e instanceof UnsupportedOperationException) {
        ledgerQueries = false;
      } else {
        LOG.debug("dashboard: ledger query {} failed: {}", path, e.toString());
      }
    });
  }

  /**
   * A layer's lineage: the ledger's (with the aggregation method and the base) when it answers,
   * else the round chain's view of it.
   */
  private Future<JsonObject> lineageOf(String layer) {
    Future<JsonObject> fromLedger = ledgerQueries ? query("/layer/" + layer + "/lineage").map(j -> {
      JsonArray nodes = new JsonArray();
      JsonArray chainOrder = j.getJsonArray("lineage", new JsonArray());
      for (int i = chainOrder.size() - 1; i >= 0; i--) {
        JsonObject c = chainOrder.getJsonObject(i);
        nodes.add(new JsonObject().put("hash", c.getString("hash")).put("parent", c.getString("parent"))
            .put("round_id", c.getString("round_id")).put("cid", c.getString("cid"))
            .put("method", c.getString("method")).put("height", c.getValue("accepted_height"))
            .put("contributing_deltas", c.getJsonArray("contributing_deltas", new JsonArray())));
      }
      String base = j.getString("base");
      if (base == null && !nodes.isEmpty()) {
        base = nodes.getJsonObject(0).getString("parent");
      }
      return new JsonObject().put("layer", layer).put("head", j.getString("head")).put("base", base)
          .put("checkpoints", nodes);
    }) : Future.failedFuture("no ledger queries");
    return fromLedger.recover(e -> service.lineage(layer).map(l -> {
      JsonArray nodes = new JsonArray();
      String base = null;
      for (Object o : l.getJsonArray("lineage", new JsonArray())) {
        JsonObject c = (JsonObject) o;
        if (base == null) {
          base = c.getString("parent_hash");
        }
        nodes.add(new JsonObject().put("hash", c.getString("checkpoint_hash")).put("parent", c.getString("parent_hash"))
            .put("round_id", c.getString("round_id")).put("cid", c.getString("cid")).put("method", null)
            .put("height", c.getValue("height")).put("contributing_deltas", c.getJsonArray("contributing_deltas")));
      }
      return new JsonObject().put("layer", layer).put("head", l.getString("head"))
          .put("base", base == null || base.isEmpty() ? null : base).put("checkpoints", nodes);
    }));
  }
}
