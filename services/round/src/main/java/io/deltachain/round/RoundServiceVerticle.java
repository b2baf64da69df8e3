package io.deltachain.round;

import io.deltachain.core.config.ConfigView;
import io.deltachain.round.api.RoundApi;
import io.deltachain.round.chain.InMemoryRoundChain;
import io.deltachain.round.chain.RoundChain;
import io.deltachain.round.dashboard.Dashboard;
import io.deltachain.round.data.DatasetBlobs;
import io.deltachain.round.lifecycle.RoundState;
import io.deltachain.round.lifecycle.RoundView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the round service: reads {@link RoundServiceConfig} from the verticle's config (a bad
 * config fails the start, naming every bad key), registers the configured datasets, replays the
 * chain, listens for trainer heartbeats on the event bus, checks for silent trainers on a timer,
 * publishes round and task events, and serves the HTTP API.
 *
 * <p>Scheduling: once a round's StartRound commits, each assignment is offered to its trainer
 * over the event bus ({@link RoundBus#taskOfferFor}, request/reply); offers not yet accepted are
 * sent again on every heartbeat check, to the replacement when a trainer went silent. Events
 * seen during the replay only rebuild state; after it, the current state of every open round is
 * published once and its owed offers are sent.
 *
 * <p>The chain comes from a factory given the verticle's context, so the launcher can pass the
 * real chain client and tests an {@link InMemoryRoundChain}.
 */
public final class RoundServiceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RoundServiceVerticle.class);

  private final Function<Context, RoundChain> chainFactory;
  private final Clock clock;
  private final BaseCheckpoints bases;
  private final Function<Context, DatasetBlobs> blobsFactory;
  private final java.util.Set<String> offersInFlight = new java.util.HashSet<>();
  private final java.util.Set<String> waiting = new java.util.HashSet<>();
  private boolean live;
  private RoundService service;
  private HttpServer server;
  private Dashboard dashboard;
  private long timer = -1;
  private final Map<String, RoundState> lastStates = new HashMap<>();

  /** A verticle over the chain the factory makes, with this clock. */
  public RoundServiceVerticle(Function<Context, RoundChain> chainFactory, Clock clock) {
    this(chainFactory, clock, BaseCheckpoints.none());
  }

  /** A verticle that also declares these base checkpoints for layers without a head on chain. */
  public RoundServiceVerticle(Function<Context, RoundChain> chainFactory, Clock clock, BaseCheckpoints bases) {
    this(chainFactory, clock, bases, ctx -> DatasetBlobs.inMemory());
  }

  /**
   * A verticle that also stores each round's train and evaluation sets where the factory says
   * (the delta store trainers and validators fetch them from) before StartRound.
   */
  public RoundServiceVerticle(Function<Context, RoundChain> chainFactory, Clock clock, BaseCheckpoints bases,
      Function<Context, DatasetBlobs> blobsFactory) {
    this.chainFactory = chainFactory;
    this.clock = clock;
    this.bases = bases;
    this.blobsFactory = blobsFactory;
  }

  /** A verticle over an in-memory chain (standalone runs and tests), on the system clock. */
  public static RoundServiceVerticle inMemory() {
    return new RoundServiceVerticle(InMemoryRoundChain::new, Clock.systemUTC());
  }

  /** The service, once started. */
  public RoundService service() {
    return service;
  }

  /** The context the service is confined to, once deployed (run calls into the service on it). */
  public Context serviceContext() {
    return context;
  }

  /** The port the API listens on, once started. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    RoundServiceConfig cfg;
    try {
      cfg = RoundServiceConfig.from(ConfigView.of(config()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    MeterRegistry backend = BackendRegistries.getDefaultNow();
    PrometheusMeterRegistry prometheus = backend instanceof PrometheusMeterRegistry p
        ? p : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RoundChain chain = chainFactory.apply(context);
    service = new RoundService(cfg, chain, clock, prometheus, bases, blobsFactory.apply(context));
    service.onRoundChange(this::publish);
    service.onReplacement(rep -> {
      String slot = rep.roundId() + "/" + rep.assignmentIndex();
      if (rep.replaced()) {
        waiting.remove(slot);
        LOG.atWarn().addKeyValue("round", rep.roundId()).log("replacement: {}", rep.reason());
        sendOffers();
      } else if (waiting.add(slot)) {
        // said once; the check repeats every interval until a trainer is free
        LOG.atWarn().addKeyValue("round", rep.roundId()).log("replacement: {} (waiting for one)", rep.reason());
      }
    });
    vertx.eventBus().<JsonObject>consumer(RoundBus.TRAINER_HEARTBEAT, msg -> {
      JsonObject body = msg.body();
      Object address = body == null ? null : body.getValue("trainerAddress");
      if (!(address instanceof String a) || !a.matches("[0-9a-fA-F]{40}")) {
        LOG.debug("ignoring a heartbeat without a 40-hex trainerAddress: {}", body);
        return;
      }
      try {
        Object tps = body.getValue("tokensPerSecond");
        service.heartbeat(a.toLowerCase(Locale.ROOT), tps instanceof Number n ? n.doubleValue() : null);
      } catch (RequestException e) {
        LOG.debug("heartbeat from an unregistered trainer {}", a);
      }
    });
    return loadDatasets(cfg)
        .compose(v -> service.start())
        .compose(height -> {
          LOG.info("round service replayed the chain to height {}", height);
          live = true;
          service.tracker().rounds().stream().filter(r -> !r.state().terminal()).forEach(this::publish);
          sendOffers();
          timer = vertx.setPeriodic(cfg.heartbeatCheckInterval().toMillis(), id -> {
            service.checkHeartbeats();
            sendOffers();
          });
          return RoundApi.router(vertx, service, cfg.maxBodyBytes(), prometheus);
        })
        .compose(router -> {
          dashboard = new Dashboard(vertx, service, chain, clock, 1000).start(prometheus);
          dashboard.mount(router);
          return Future.succeededFuture(router);
        })
        .compose(router -> vertx.createHttpServer(new HttpServerOptions()
                .setHost(cfg.http().host()).setPort(cfg.http().port()))
            .requestHandler(router)
            .listen())
        .onSuccess(s -> {
          server = s;
          LOG.info("round service API listening on http://{}:{} (OpenAPI at /openapi.yaml, dashboard at /dashboard/)", cfg.http().host(),
              s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (dashboard != null) {
      dashboard.stop();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Offers every owed task to its trainer; an accepted offer is not sent again, a refused or
   * unanswered one is retried on the next heartbeat check.
   */
  private void sendOffers() {
    for (JsonObject offer : service.pendingOffers()) {
      String taskId = offer.getString("taskId");
      if (!offersInFlight.add(taskId)) {
        continue;
      }
      vertx.eventBus().<JsonObject>request(RoundBus.taskOfferFor(offer.getString("trainerAddress")), offer,
              new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000))
          .onComplete(ar -> {
            offersInFlight.remove(taskId);
            if (ar.succeeded()) {
              service.acknowledgeOffer(taskId);
              LOG.info("task {} accepted: {}", taskId, ar.result().body());
            } else {
              LOG.info("task {} not taken yet: {}", taskId, ar.cause().getMessage());
            }
          });
    }
  }

  private void publish(RoundView r) {
    if (!live) {
      return;
    }
    RoundState before = lastStates.put(r.roundId(), r.state());
    if (before == r.state()) {
      return;
    }
    LOG.atInfo().addKeyValue("round", r.roundId()).addKeyValue("height", service.tracker().height())
        .log("status {}{}", r.state(), r.reason() == null || r.reason().isEmpty() ? "" : ": " + r.reason());
    if (r.state() == RoundState.TRAINING) {
      // after this event has reached every listener, so the offers see the committed round
      context.runOnContext(v -> sendOffers());
    }
    vertx.eventBus().publish(RoundBus.ROUND_CHANGED, RoundBus.roundChanged(r));
    if (r.state() == RoundState.TRAINING) {
      vertx.eventBus().publish(RoundBus.ROUND_STARTED, RoundBus.roundStarted(r));
    } else if (r.state().terminal()) {
      vertx.eventBus().publish(RoundBus.ROUND_FINALIZED, RoundBus.roundFinalized(r));
    }
  }

  private Future<Void> loadDatasets(RoundServiceConfig cfg) {
    if (cfg.datasets().isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      Map<String, List<String>> loaded = new HashMap<>();
      for (Map.Entry<String, Path> e : cfg.datasets().entrySet()) {
        loaded.put(e.getKey(), readLines(e.getValue()));
      }
      return loaded;
    }).map(loaded -> {
      loaded.forEach((name, docs) -> LOG.info("registered dataset {} ({} documents) as {}", name, docs.size(),
          service.registerDataset(name, docs).hash().hex()));
      return null;
    });
  }

  /** One document per non-blank line; gzip when the name ends in {@code .gz}. */
  static List<String> readLines(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          out.add(line.replace("\r", ""));
        }
      }
    }
    return out;
  }
}
