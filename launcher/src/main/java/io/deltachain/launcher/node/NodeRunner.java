package io.deltachain.launcher.node;

import ai.djl.Device;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.ledger.LedgerApp;
import io.deltachain.abci.server.AbciServerVerticle;
import io.deltachain.abci.server.Halter;
import io.deltachain.abci.store.RocksStateStore;
import io.deltachain.core.bus.ClusterFactory;
import io.deltachain.core.bus.ClusterOptions;
import io.deltachain.core.config.ClusterConfig;
import io.deltachain.core.config.HostPort;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.KeyFiles;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.crypto.PrivValidatorKey;
import io.deltachain.core.metrics.ServiceMetrics;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.launcher.demo.Devnet;
import io.deltachain.launcher.wiring.BlockPollingFeed;
import io.deltachain.launcher.wiring.ChainRoundContexts;
import io.deltachain.launcher.wiring.ChainVerdictSink;
import io.deltachain.launcher.wiring.CheckpointAggregator;
import io.deltachain.launcher.wiring.CometRoundChain;
import io.deltachain.launcher.wiring.StoreCheckpoints;
import io.deltachain.launcher.wiring.StoreDatasetBlobs;
import io.deltachain.launcher.wiring.ValidatorRounds;
import io.deltachain.launcher.wiring.PoisoningChainClient;
import io.deltachain.launcher.wiring.SerialSubmitter;
import io.deltachain.launcher.wiring.StoreDeltaFetcher;
import io.deltachain.launcher.wiring.StoreDeltaUploader;
import io.deltachain.launcher.wiring.TrainerBridge;
import io.deltachain.launcher.wiring.TrainerChainAdapter;
import io.deltachain.launcher.wiring.TrainerTaskSettings;
import io.deltachain.round.RoundServiceVerticle;
import io.deltachain.store.DeltaStoreConfig;
import io.deltachain.store.DeltaStoreService;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.pipeline.StageService;
import io.deltachain.trainer.service.TrainerConfig;
import io.deltachain.trainer.service.TrainerVerticle;
import io.deltachain.validator.service.ValidatorVerticle;
import io.deltachain.validator.verdict.VerdictEngine;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the roles of one {@code deltachain node} in one JVM, in dependency order (abci-app,
 * cluster, delta store, round service, validator, trainer), and stops them. Each started role
 * prints one line beginning {@code [node] ready:} that names where it listens or who it is, so
 * scripts and tests know when it is up.
 */
public final class NodeRunner implements AutoCloseable {
  private final NodeSettings s;
  private final PrintStream out;
  private final List<AutoCloseable> closers = new ArrayList<>();
  private Vertx vertx;
  private Vertx abciVertx;
  private LedgerApp ledger;
  private NodeMetricsServer metrics;
  private Corpus corpus;
  private String storeUrl;

  /** A runner for these settings, reporting to {@code out}. */
  public NodeRunner(NodeSettings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
  }

  private void ready(String fmt, Object... args) {
    out.printf("[node] ready: " + fmt + "%n", args);
    out.flush();
  }

  private void say(String fmt, Object... args) {
    out.printf("[node] " + fmt + "%n", args);
    out.flush();
  }

  /** Starts every role; fails with what could not start (what did start is stopped by {@link #close}). */
  public void start() throws Exception {
    String chainId = s.core().node().chainId();
    Files.createDirectories(s.core().node().home());
    if (s.roles().contains(Role.ABCI)) {
      startAbci(chainId);
    }
    if (s.roles().stream().anyMatch(r -> r != Role.ABCI && r != Role.STAGE)) {
      ClusterConfig c = s.core().cluster();
      List<String> members = c.members().stream().map(HostPort::toString).toList();
      vertx = await(ClusterFactory.start(ClusterOptions.builder().setClusterName(c.clusterName()).setBindHost(c.host())
          .optPublicHost(s.clusterPublicHost()).optHazelcastPort(c.port()).optPortAutoIncrement(false)
          .optMembers(members).build()), 180);
      closers.add(() -> await(vertx.close(), 60));
      say("joined Hazelcast cluster '%s' as %s:%d (members %s)", c.clusterName(),
          s.clusterPublicHost() == null ? c.host() : s.clusterPublicHost(), c.port(), members);
    }
    if (s.metrics().enabled()) {
      startMetrics();
    }
    if (s.roles().stream().anyMatch(r -> r == Role.ROUND || r == Role.VALIDATOR || r == Role.TRAINER)) {
      awaitChain();
    }
    storeUrl = s.storeUrl() == null ? null : s.storeUrl().toString();
    if (s.roles().contains(Role.STORE)) {
      DeltaStoreService store = new DeltaStoreService(DeltaStoreConfig.fromCore(s.core().deltaStore(), s.core().ipfs()));
      await(vertx.deployVerticle(store), 120);
      String local = "http://" + s.core().deltaStore().http().host() + ":" + store.httpPort();
      storeUrl = storeUrl == null ? local : storeUrl;
      ready("store %s (data in %s)", local, s.core().deltaStore().dataDir());
    }
    if (s.roles().contains(Role.ROUND)) {
      startRound(chainId);
    }
    if (s.roles().contains(Role.VALIDATOR)) {
      startValidator(chainId);
    }
    if (s.roles().contains(Role.TRAINER)) {
      startTrainer(chainId);
    }
    if (s.roles().contains(Role.STAGE)) {
      startStage();
    }
    ready("node roles %s", s.roles().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().toList());
  }

  private void startAbci(String chainId) throws Exception {
    Path data = s.core().node().home().resolve("ledger");
    RocksStateStore store = RocksStateStore.open(data);
    LedgerApp app = new LedgerApp(store, chainId);
    ledger = app;
    // its own Vert.x (the consensus connection must not wait behind other roles), reporting to the process's metrics
    abciVertx = ServiceMetrics.enable(Vertx.builder(), new VertxOptions()).build();
    AbciServerVerticle server = new AbciServerVerticle(app, s.core().comet().abciHost(), s.core().comet().abciPort(),
        Halter.systemExit());
    closers.add(store::close);
    closers.add(() -> await(abciVertx.close(), 30));
    await(abciVertx.deployVerticle(server), 60);
    ready("abci-app on %s:%d height=%d (ledger in %s)", s.core().comet().abciHost(), server.actualPort(), app.height(),
        data);
  }

  /** The node's /metrics and /health server, on the cluster's Vert.x (the abci-app's on an abci-only node). */
  private void startMetrics() {
    Vertx on = vertx != null ? vertx : abciVertx;
    if (on == null) {
      // a stage-only node joins no cluster and runs no abci-app: the server gets a Vert.x of its own
      Vertx own = ServiceMetrics.enable(Vertx.builder(), new VertxOptions()).build();
      closers.add(() -> await(own.close(), 30));
      on = own;
    }
    LedgerApp app = ledger;
    NodeHealth health = new NodeHealth(on, s.roles(), s.core().node().moniker(), s.core().node().chainId(),
        s.core().comet().rpcUrl().toString(), app == null ? null : app::height, vertx, s.core().cluster().clusterName());
    metrics = await(new NodeMetricsServer(on, s.metrics().http().host(), s.metrics().http().port(), health).start(), 30);
    closers.add(() -> await(metrics.close(), 10));
    ready("metrics http://%s:%d/metrics and /health", s.metrics().http().host(), metrics.actualPort());
  }

  /** How long a node waits for its CometBFT node's first block before giving up. */
  static final long CHAIN_WAIT_SECONDS = 600;

  /**
   * Waits until the CometBFT RPC answers with a committed block: containers of one deployment
   * start together, and the chain-facing roles read the chain as they start.
   */
  private void awaitChain() throws InterruptedException {
    String rpc = s.core().comet().rpcUrl().toString();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHAIN_WAIT_SECONDS);
    boolean said = false;
    try (ChainClient chain = new ChainClient(vertx, rpc, 5_000)) {
      while (true) {
        String why;
        try {
          long height = await(chain.status(), 10).latestHeight();
          if (height >= 1) {
            return;
          }
          why = "no block yet";
        } catch (RuntimeException e) {
          why = e.getMessage();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the CometBFT node at " + rpc + " (comet.rpc-url) did not answer with a block"
              + " within " + CHAIN_WAIT_SECONDS + " s: " + why);
        }
        if (!said) {
          say("waiting for the CometBFT node at %s (%s)", rpc, why);
          said = true;
        }
        Thread.sleep(1_000);
      }
    }
  }

  /** The metrics server's port, or -1 when it is off or not started. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.actualPort();
  }

  /** A pipeline stage: its own Vert.x (it talks gRPC to its coordinator and neighbours, not the cluster). */
  private void startStage() throws Exception {
    NodeSettings.Stage st = s.stage();
    Vertx stageVertx = Vertx.vertx();
    closers.add(() -> await(stageVertx.close(), 30));
    StageService stage = new StageService(st.host(), st.port(), st.workDir());
    if (st.token() != null) {
      stage.requireToken(st.token());
    } else {
      out.println("[node] warning: stage.token is not set: whoever reaches " + st.host() + ":" + st.port()
          + " can drive this stage and read its work directory (set DELTACHAIN_STAGE_TOKEN, the same on every"
          + " stage and the coordinator)");
    }
    await(stageVertx.deployVerticle(stage), 60);
    ready("stage %s:%d (work dir %s, %s)", st.host(), stage.actualPort(), stage.workDir(),
        st.token() != null ? "calls need the stage token" : "no token");
  }

  private Corpus corpus() throws IOException {
    if (corpus == null) {
      String spec = s.network().dataset();
      if (spec.startsWith("europarl:")) {
        corpus = Corpus.europarl(Integer.parseInt(spec.substring("europarl:".length())));
      } else if (spec.endsWith(".jsonl")) {
        corpus = Corpus.fromJsonl(Path.of(spec), "text");
      } else {
        corpus = Corpus.fromText(Path.of(spec));
      }
    }
    return corpus;
  }

  private String datasetName() {
    String spec = s.network().dataset();
    if (spec.startsWith("europarl:")) {
      return "europarl";
    }
    String file = Path.of(spec).getFileName().toString();
    return file.contains(".") ? file.substring(0, file.indexOf('.')) : file;
  }

  /** The name a seed-initialised base has in the trainer module: every layer's declared base. */
  static String baseHash(String profile, int seed) {
    return ContentHash.sha256(("base:" + profile + ":random:" + seed).getBytes(StandardCharsets.UTF_8)).hex();
  }

  private void startRound(String chainId) throws Exception {
    NodeKey key = KeyFiles.loadOrCreate(s.coordinatorKeyFile());
    JsonObject config = s.view().json().copy();
    JsonObject round = config.getJsonObject("round", new JsonObject());
    config.put("round", round);
    if (!round.containsKey("datasets")) {
      // the network's corpus, one document per line, registered under its name
      Path docs = s.core().node().home().resolve(datasetName() + ".txt");
      Files.write(docs, corpus().documents().stream().map(d -> d.replace('\n', ' ').replace('\r', ' ')).toList(),
          StandardCharsets.UTF_8);
      round.put("datasets", new JsonArray().add(datasetName() + "=" + docs));
    }
    if (!round.containsKey("base-models")) {
      round.put("base-models", new JsonArray().add(s.network().profile() + "=random:" + s.network().baseSeed()));
    }
    if (!round.containsKey("dataset-specs")) {
      round.put("dataset-specs", new JsonArray().add(datasetName() + "=" + s.network().dataset()));
    }
    if (!round.containsKey("default-steps")) {
      round.put("default-steps", s.network().defaultSteps());
    }
    if (!round.containsKey("plan-dir")) {
      round.put("plan-dir", s.core().node().home().resolve("round-plans").toString());
    }
    String rpc = s.core().comet().rpcUrl().toString();
    String profile = s.network().profile();
    String base = baseHash(profile, s.network().baseSeed());
    RoundServiceVerticle verticle = new RoundServiceVerticle(
        ctx -> new CometRoundChain(ctx, new ChainClient(ctx.owner(), rpc), key, chainId, 200), Clock.systemUTC(),
        (model, layer) -> model.equals(profile) ? Optional.of(base) : Optional.empty(),
        ctx -> new StoreDatasetBlobs(new DeltaStoreClient(ctx.owner(), storeUrl)));
    await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)), 300);
    ready("round http://%s:%d coordinator %s over %s", s.core().http().host(), verticle.actualPort(), key.addressHex(),
        rpc);
  }

  private void startValidator(String chainId) throws Exception {
    NodeKey key = PrivValidatorKey.read(s.validatorKeyFile());
    ModelProfile profile = ModelProfiles.bundled(s.network().profile());
    NodeSettings.Network n = s.network();
    ChainClient chain = new ChainClient(vertx, s.core().comet().rpcUrl().toString());
    BlockPollingFeed feed = new BlockPollingFeed(vertx, chain, s.validatorPollMillis());
    long last = await(chain.lastNonce(key.address()), 60);
    SerialSubmitter signer = new SerialSubmitter(new TxSigner(key, chainId, last));
    DeltaStoreClient store = new DeltaStoreClient(vertx, storeUrl);
    Path home = s.core().node().home();
    // each round's base model, data and task come from the StartRound this node committed
    ValidatorRounds model = new ValidatorRounds(feed::round, new StoreCheckpoints(store, chain,
        home.resolve("checkpoints")), n.evalBatches());
    closers.add(model);
    await(vertx.deployVerticle(new ValidatorVerticle(feed, new StoreDeltaFetcher(vertx, store, home.resolve("fetched")),
        new ChainRoundContexts(feed, Devnet.demoPolicy(), model), new ChainVerdictSink(chain, signer),
        new VerdictEngine())), 60);
    feed.start();
    closers.add(feed::stop);
    await(vertx.deployVerticle(new CheckpointAggregator(s.core().node().moniker(), chain, signer, store, model,
        home.resolve("aggregate"))), 60);
    ready("validator %s following %s", key.addressHex(), s.core().comet().rpcUrl());
  }

  private void startTrainer(String chainId) throws Exception {
    NodeKey key = KeyFiles.loadOrCreate(s.trainer().keyFile());
    NodeSettings.Trainer t = s.trainer();
    NodeSettings.Network n = s.network();
    Device device = t.device().equals("cpu") ? Device.cpu() : TrainerConfig.forThisMachine(key, chainId,
        s.core().node().home()).device();
    String moniker = s.core().node().moniker();
    TrainerConfig cfg = new TrainerConfig(key, chainId, moniker, s.core().node().home().resolve("work"), device,
        t.memoryBytes(), 0, t.heartbeatMillis(), t.probeThroughput());
    ChainClient chain = new ChainClient(vertx, s.core().comet().rpcUrl().toString());
    DeltaStoreClient store = new DeltaStoreClient(vertx, storeUrl);
    io.deltachain.trainer.service.ChainClient trainerChain = new TrainerChainAdapter(chain);
    if (t.attack().equals("poison")) {
      trainerChain = new PoisoningChainClient(vertx, trainerChain, key, store, s.core().node().home().resolve("poison"),
          Devnet.POISON_FACTOR);
      say("trainer.attack=poison: this trainer multiplies its update by %s before submitting (demos and tests)",
          Devnet.POISON_FACTOR);
    }
    // the round's data comes from the delta store by the hash on chain, not from network.dataset
    TrainerTaskSettings tasks = new TrainerTaskSettings("bytes", "random:" + n.baseSeed(), t.tokensPerSecond());
    // with a validator in the same JVM, training and evaluation take turns
    await(vertx.deployVerticle(new TrainerBridge(key.addressHex(), tasks, s.roles().contains(Role.VALIDATOR))), 60);
    await(vertx.deployVerticle(TrainerVerticle.withCheckpoints(cfg, new StoreDeltaUploader(store), trainerChain,
        new StoreCheckpoints(store, chain, s.core().node().home().resolve("checkpoints")))), 300);
    ready("trainer %s (%s, %s) registered via %s", key.addressHex(), moniker, device, s.core().comet().rpcUrl());
  }

  /** Stops every role, last started first. */
  @Override
  public void close() {
    for (int i = closers.size() - 1; i >= 0; i--) {
      try {
        closers.get(i).close();
      } catch (Exception e) {
        out.println("[node] stopping: " + e.getMessage());
      }
    }
    closers.clear();
  }

  static <T> T await(Future<T> f, long seconds) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out after " + seconds + " s", e);
    }
  }
}
