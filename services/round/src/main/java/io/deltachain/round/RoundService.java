package io.deltachain.round;

import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.RoundTraining;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.round.chain.ChainRejectedException;
import io.deltachain.round.chain.LineageEntry;
import io.deltachain.round.chain.RoundChain;
import io.deltachain.round.chain.SignatureRequiredException;
import io.deltachain.round.chain.TxReceipt;
import io.deltachain.round.cost.CostLedger;
import io.deltachain.round.cost.QuotaManager;
import io.deltachain.round.data.Dataset;
import io.deltachain.round.data.DatasetBlobs;
import io.deltachain.round.data.DatasetRegistry;
import io.deltachain.round.data.PiiCategory;
import io.deltachain.round.data.PiiFilter;
import io.deltachain.round.data.PiiReport;
import io.deltachain.round.data.Sharding;
import io.deltachain.round.lifecycle.AssignmentView;
import io.deltachain.round.lifecycle.ChainEvents;
import io.deltachain.round.lifecycle.CheckpointRecord;
import io.deltachain.round.lifecycle.DeltaRecord;
import io.deltachain.round.lifecycle.DeltaStatus;
import io.deltachain.round.lifecycle.RegisteredWorker;
import io.deltachain.round.lifecycle.Replacement;
import io.deltachain.round.lifecycle.RoundState;
import io.deltachain.round.lifecycle.RoundTracker;
import io.deltachain.round.lifecycle.RoundView;
import io.deltachain.round.lifecycle.TrainerReplacer;
import io.deltachain.round.lifecycle.Transition;
import io.deltachain.round.lifecycle.WorkerRegistry;
import io.deltachain.round.planner.PartitionPlan;
import io.deltachain.round.planner.PartitionPlanner;
import io.deltachain.round.planner.PlanMode;
import io.deltachain.round.planner.PlanPrecisions;
import io.deltachain.round.planner.PlanRequest;
import io.deltachain.round.planner.PlanningException;
import io.deltachain.round.planner.Pipeline;
import io.deltachain.round.planner.Stage;
import io.deltachain.round.planner.WorkerSpec;
import io.deltachain.round.scheduler.PerformanceTracker;
import io.deltachain.round.scheduler.Scheduler;
import io.deltachain.round.scheduler.WorkerPerformance;
import io.deltachain.round.scheduler.WorkerView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The round service's logic, independent of HTTP: starting rounds (plan, PII filter, shards,
 * StartRound on chain), relaying deltas, cancelling, following chain events into the tracker,
 * the worker registry, the performance tracker and the cost ledger, and replacing silent
 * trainers. Confined to one Vert.x context (the verticle's); it is not thread-safe.
 */
public final class RoundService implements ChainEvents {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoundService.class);
  private static final HexFormat HEX = HexFormat.of();
  private static final String ADDRESS = "[0-9a-f]{40}";

  private final RoundServiceConfig config;
  private final RoundChain chain;
  private final RoundTracker tracker;
  private final WorkerRegistry registry;
  private final DatasetRegistry datasets = new DatasetRegistry();
  private final PartitionPlanner planner;
  private final PerformanceTracker performance = new PerformanceTracker();
  private final Scheduler scheduler;
  private final CostLedger costs;
  private final QuotaManager quotas;
  private final PiiFilter pii;
  private final TrainerReplacer replacer;
  private final ModelProfile referenceProfile;
  private final MeterRegistry metrics;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, RoundExtras> extras = new HashMap<>();
  private final Map<String, JsonObject> deltaMetrics = new HashMap<>();
  private final List<Consumer<Replacement>> replacementListeners = new ArrayList<>();
  private final BaseCheckpoints bases;
  private final DatasetBlobs blobs;
  private final Map<String, StartRound> starts = new HashMap<>();
  private final java.util.Set<String> finalizedOnChain = new java.util.HashSet<>();
  private final java.util.Set<String> finalizing = new java.util.HashSet<>();
  private final java.util.Set<String> acknowledgedOffers = new java.util.HashSet<>();
  private boolean live;

  /**
   * What the service knows about a round beyond the chain: the request, plan and filter report.
   * Kept in {@code round.plan-dir} when configured, so it survives a restart.
   */
  private record RoundExtras(
      String clientId, JsonObject planDocument, String planHash, JsonObject pii, Map<Integer, Long> requiredMemory) {

    JsonObject toJson() {
      JsonObject memory = new JsonObject();
      requiredMemory.forEach((k, v) -> memory.put(Integer.toString(k), v));
      return new JsonObject().put("client", clientId).put("plan_hash", planHash).put("document", planDocument)
          .put("pii", pii).put("required_memory", memory);
    }

    static RoundExtras fromJson(JsonObject j) {
      Map<Integer, Long> memory = new TreeMap<>();
      j.getJsonObject("required_memory", new JsonObject()).forEach(e ->
          memory.put(Integer.parseInt(e.getKey()), ((Number) e.getValue()).longValue()));
      return new RoundExtras(j.getString("client", ""), j.getJsonObject("document"), j.getString("plan_hash"),
          j.getJsonObject("pii", new JsonObject()), memory);
    }
  }

  /**
   * A service over this chain.
   *
   * @param clock the clock for heartbeats and quotas (tests pass one they move)
   * @param metrics where service metrics go
   */
  public RoundService(RoundServiceConfig config, RoundChain chain, Clock clock, MeterRegistry metrics) {
    this(config, chain, clock, metrics, BaseCheckpoints.none());
  }

  /**
   * A service over this chain that declares these base checkpoints for layers the chain has no
   * head for.
   */
  public RoundService(RoundServiceConfig config, RoundChain chain, Clock clock, MeterRegistry metrics,
      BaseCheckpoints bases) {
    this(config, chain, clock, metrics, bases, DatasetBlobs.inMemory());
  }

  /**
   * A service that also stores each round's train and evaluation sets in {@code blobs} (the
   * delta store) before StartRound, for trainers and validators to fetch by hash.
   */
  public RoundService(RoundServiceConfig config, RoundChain chain, Clock clock, MeterRegistry metrics,
      BaseCheckpoints bases, DatasetBlobs blobs) {
    this.config = config;
    this.blobs = blobs;
    this.bases = bases;
    this.chain = chain;
    this.metrics = metrics;
    this.tracker = new RoundTracker(config.aggregationBlocks());
    this.registry = new WorkerRegistry(clock, config.heartbeatTimeout());
    this.planner = new PartitionPlanner(config.planner());
    this.scheduler = new Scheduler(performance, config.prices());
    this.costs = new CostLedger(config.prices(), config.retentionDays() * 86_400L);
    this.quotas = new QuotaManager(config.quota(), Map.of(), clock);
    Map<PiiCategory, PiiFilter.Action> actions = new EnumMap<>(PiiCategory.class);
    config.dropCategories().forEach(c -> actions.put(c, PiiFilter.Action.DROP_DOCUMENT));
    this.pii = PiiFilter.create(actions, config.blocklist());
    this.replacer = new TrainerReplacer(tracker, registry, scheduler, config.policy(),
        (roundId, index) -> Optional.ofNullable(extras.get(roundId)).map(e -> e.requiredMemory().get(index)),
        config.replaceWithOutsiders());
    tracker.addListener(this::finalizeWhenDone);
    this.referenceProfile = ModelProfiles.bundled(config.referenceModel());
    for (RoundState s : RoundState.values()) {
      Gauge.builder("deltachain_round_rounds", tracker, t -> t.rounds().stream().filter(r -> r.state() == s).count())
          .tag("state", s.name().toLowerCase(Locale.ROOT))
          .description("Rounds by state").register(metrics);
    }
    Gauge.builder("deltachain_round_workers_alive", registry, r -> r.aliveTrainers().size())
        .description("Trainers heard from within the heartbeat timeout").register(metrics);
    Gauge.builder("deltachain_round_chain_height", tracker, RoundTracker::height)
        .description("Latest block height seen").register(metrics);
  }

  /**
   * Replays the chain into the service and follows it from then on.
   *
   * @return the height the replay reached
   */
  public Future<Long> start() {
    return chain.replayAndSubscribe(this).map(height -> {
      live = true;
      tracker.rounds().forEach(this::finalizeWhenDone);
      return height;
    });
  }

  /** Whether the replay is over (the service acts on what it sees only from then on). */
  public boolean live() {
    return live;
  }

  /** The round state machine (read-only use). */
  public RoundTracker tracker() {
    return tracker;
  }

  /** The worker registry. */
  public WorkerRegistry registry() {
    return registry;
  }

  /** The dataset registry. */
  public DatasetRegistry datasets() {
    return datasets;
  }

  /** Per-client quotas. */
  public QuotaManager quotas() {
    return quotas;
  }

  /** The chain. */
  public RoundChain chain() {
    return chain;
  }

  /** Whether a token is known, and for which client. */
  public Optional<String> clientOf(String token) {
    return Optional.ofNullable(config.tokens().get(token));
  }

  /** Calls the listener for every replacement made. */
  public void onReplacement(Consumer<Replacement> listener) {
    replacementListeners.add(listener);
  }

  /** Calls the listener with a snapshot whenever a round changes. */
  public void onRoundChange(Consumer<RoundView> listener) {
    tracker.addListener(listener);
  }

  // --- chain events ----------------------------------------------------------------------------

  @Override
  public void onNewBlock(long height) {
    tracker.onNewBlock(height);
  }

  @Override
  public void onNodeRegistered(long height, String address, RegisterNode registration) {
    registry.onNodeRegistered(height, address, registration);
  }

  @Override
  public void onRoundStarted(long height, String txHash, StartRound start) {
    starts.put(start.getRoundId(), start);
    if (!extras.containsKey(start.getRoundId())) {
      restoreExtras(start).ifPresent(e -> extras.put(start.getRoundId(), e));
    }
    tracker.onRoundStarted(height, txHash, start);
  }

  @Override
  public void onDeltaCommitted(long height, String deltaId, String trainerAddress, SubmitDelta delta) {
    boolean known = tracker.delta(deltaId).isPresent();
    tracker.onDeltaCommitted(height, deltaId, trainerAddress, delta);
    if (known || tracker.delta(deltaId).isEmpty()) {
      return;
    }
    String roundId = delta.getRoundId();
    Optional<RegisteredWorker> w = registry.get(trainerAddress);
    String gpuClass = w.map(RegisteredWorker::gpuClass).orElse("unknown");
    double tps = w.map(x -> scheduler.tokensPerSecond(view(x))).orElse(0.0);
    if (tps > 0 && delta.getTokens() > 0) {
      costs.recordGpuTime(roundId, gpuClass, Math.round(delta.getTokens() / tps * 1000));
    }
    costs.recordStored(roundId, delta.getSizeBytes());
    costs.recordTransferred(roundId, delta.getSizeBytes() * config.transferCopies());
    Counter.builder("deltachain_round_deltas_committed_total").register(metrics).increment();
    LOG.atInfo().addKeyValue("round", roundId).addKeyValue("delta", deltaId).addKeyValue("trainer", trainerAddress)
        .addKeyValue("layer", delta.getLayer()).addKeyValue("height", height)
        .log("delta committed, {} bytes", delta.getSizeBytes());
  }

  @Override
  public void onDeltaStatus(long height, String deltaId, DeltaStatus status, List<String> reasons) {
    Optional<DeltaRecord> before = tracker.delta(deltaId);
    tracker.onDeltaStatus(height, deltaId, status, reasons);
    if (before.isPresent() && before.get().status() == DeltaStatus.PENDING && status != DeltaStatus.PENDING) {
      performance.recordVerdict(before.get().trainer(), status == DeltaStatus.ACCEPTED);
      Counter.builder("deltachain_round_deltas_decided_total").tag("status", status.name().toLowerCase(Locale.ROOT))
          .register(metrics).increment();
      for (String reason : reasons) {
        Counter.builder("deltachain_round_delta_reasons_total").tag("reason", reason).register(metrics).increment();
      }
      LOG.atInfo().addKeyValue("round", before.get().roundId()).addKeyValue("delta", deltaId)
          .addKeyValue("height", height).log("delta {} {}", status, reasons);
    }
  }

  @Override
  public void onCheckpointAccepted(long height, String roundId, String layer, String hash, String cid, long sizeBytes) {
    tracker.onCheckpointAccepted(height, roundId, layer, hash, cid, sizeBytes);
    if (tracker.round(roundId).isPresent()) {
      costs.recordStored(roundId, sizeBytes);
      costs.recordTransferred(roundId, sizeBytes * config.transferCopies());
    }
  }

  @Override
  public void onRoundFinalized(long height, String roundId, String reason) {
    finalizedOnChain.add(roundId);
    tracker.onRoundFinalized(height, roundId, reason);
  }

  /**
   * The ledger keeps a round OPEN until its coordinator sends FinalizeRound; once the tracker sees
   * the round end (its checkpoints agreed, or failed), the coordinator that planned it closes it
   * on chain with the tracker's reason. Only after the replay: a restarted service closes what
   * its predecessor left open, and never twice.
   */
  private void finalizeWhenDone(RoundView r) {
    String id = r.roundId();
    if (!live || (r.state() != RoundState.FINALIZED && r.state() != RoundState.FAILED)
        || finalizedOnChain.contains(id) || !extras.containsKey(id) || !starts.containsKey(id) || !finalizing.add(id)) {
      return;
    }
    String reason = (r.state() == RoundState.FAILED ? "failed: " : "") + r.reason();
    Runnable submit = () -> chain.submitFinalize(FinalizeRound.newBuilder().setRoundId(id).setReason(reason).build())
        .onSuccess(receipt -> Counter.builder("deltachain_round_finalized_total").register(metrics).increment())
        .onFailure(e -> {
          finalizing.remove(id);
          org.slf4j.LoggerFactory.getLogger(RoundService.class).warn("FinalizeRound for round {} failed: {}", id,
              e.getMessage());
        });
    io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
    if (ctx != null) {
      // after the event that ended the round has reached every listener
      ctx.runOnContext(v -> submit.run());
    } else {
      submit.run();
    }
  }

  // --- task offers -----------------------------------------------------------------------------

  /**
   * The task offers still owed, as event-bus JSON (see {@link RoundBus#taskOffer}): one per
   * assignment of a TRAINING round this service planned whose trainer is alive, has not
   * delivered, and has not accepted the task yet. Empty during the replay.
   */
  public List<JsonObject> pendingOffers() {
    List<JsonObject> out = new ArrayList<>();
    if (!live) {
      return out;
    }
    for (RoundView r : tracker.rounds()) {
      RoundExtras e = extras.get(r.roundId());
      StartRound start = starts.get(r.roundId());
      if (r.state() != RoundState.TRAINING || e == null || start == null) {
        continue;
      }
      for (AssignmentView a : r.assignments()) {
        JsonObject offer = RoundBus.taskOffer(r, a, start);
        if (registry.alive(a.trainer()) && !tracker.delivered(r.roundId(), a.index())
            && !acknowledgedOffers.contains(offer.getString("taskId"))) {
          out.add(offer);
        }
      }
    }
    return out;
  }

  /** A trainer accepted a task: it is not offered again. */
  public void acknowledgeOffer(String taskId) {
    acknowledgedOffers.add(taskId);
  }

  private Optional<RoundExtras> restoreExtras(StartRound start) {
    if (config.planDir() == null) {
      return Optional.empty();
    }
    java.nio.file.Path f = config.planDir().resolve(HEX.formatHex(start.getPlanHash().toByteArray()) + ".json");
    try {
      if (!java.nio.file.Files.isRegularFile(f)) {
        return Optional.empty();
      }
      RoundExtras e = RoundExtras.fromJson(new JsonObject(java.nio.file.Files.readString(f, StandardCharsets.UTF_8)));
      ContentHash h = ContentHash.sha256(e.planDocument().encode().getBytes(StandardCharsets.UTF_8));
      if (!h.hex().equals(HEX.formatHex(start.getPlanHash().toByteArray()))) {
        org.slf4j.LoggerFactory.getLogger(RoundService.class).warn("plan file {} does not hash to the plan_hash on"
            + " chain; ignored", f);
        return Optional.empty();
      }
      return Optional.of(e);
    } catch (java.io.IOException | RuntimeException ex) {
      org.slf4j.LoggerFactory.getLogger(RoundService.class).warn("cannot read plan file {}: {}", f, ex.toString());
      return Optional.empty();
    }
  }

  private void keep(RoundExtras e) {
    if (config.planDir() == null) {
      return;
    }
    try {
      java.nio.file.Files.createDirectories(config.planDir());
      java.nio.file.Path f = config.planDir().resolve(e.planHash() + ".json");
      java.nio.file.Path tmp = config.planDir().resolve(e.planHash() + ".json.tmp");
      java.nio.file.Files.writeString(tmp, e.toJson().encode(), StandardCharsets.UTF_8);
      java.nio.file.Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException ex) {
      throw new RequestException(500, "plan_not_kept", "cannot write the plan document to " + config.planDir()
          + ": " + ex.getMessage());
    }
  }

  // --- workers ---------------------------------------------------------------------------------

  /**
   * A heartbeat from a worker, optionally with its measured training throughput.
   *
   * @throws RequestException 404 for an address that never registered
   */
  public void heartbeat(String address, Double tokensPerSecond) {
    String a = address.toLowerCase(Locale.ROOT);
    if (!registry.heartbeat(a)) {
      throw new RequestException(404, "worker_not_found",
          "worker " + address + " has not registered on chain (send a RegisterNode transaction first)");
    }
    if (tokensPerSecond != null) {
      performance.recordThroughput(a, tokensPerSecond);
    }
  }

  /** Looks for silent trainers in training rounds and hands their work on. */
  public List<Replacement> checkHeartbeats() {
    List<Replacement> done = replacer.check();
    for (Replacement r : done) {
      if (r.replaced()) {
        Counter.builder("deltachain_round_trainer_replacements_total").register(metrics).increment();
      }
      replacementListeners.forEach(l -> l.accept(r));
    }
    return done;
  }

  private static WorkerView view(RegisteredWorker w) {
    return new WorkerView(w.address(), w.gpuClass(), w.memoryBytes(), w.tokensPerSecond());
  }

  // --- datasets --------------------------------------------------------------------------------

  /**
   * Registers documents as a dataset.
   *
   * @throws RequestException 400 naming what is wrong with the documents
   */
  public Dataset registerDataset(String name, List<String> documents) {
    try {
      return datasets.register(name, documents);
    } catch (IllegalArgumentException e) {
      throw new RequestException(400, "invalid_dataset", e.getMessage());
    }
  }

  // --- rounds ----------------------------------------------------------------------------------

  /** Starts a round: validates, plans, filters and splits the data, submits StartRound. */
  public Future<JsonObject> startRound(String clientId, StartRoundRequest req) {
    try {
      return startRoundChecked(clientId, req);
    } catch (RequestException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<JsonObject> startRoundChecked(String clientId, StartRoundRequest req) {
    ModelProfile profile;
    try {
      profile = ModelProfiles.bundled(req.modelId());
    } catch (IllegalArgumentException e) {
      throw new RequestException(422, "unknown_model", "model_id: " + e.getMessage());
    }
    PlanMode mode;
    try {
      mode = PlanMode.parse(req.mode());
    } catch (IllegalArgumentException e) {
      throw new RequestException(400, "invalid_mode", e.getMessage());
    }
    Dataset source;
    try {
      source = datasets.find(req.dataset()).orElseThrow(() -> new RequestException(422, "unknown_dataset",
          "dataset '" + req.dataset() + "' is not registered; register it with POST /learning/datasets"));
    } catch (IllegalArgumentException e) {
      throw new RequestException(422, "ambiguous_dataset", e.getMessage());
    }
    int seq = req.sequenceLength() != null ? req.sequenceLength() : Math.min(2048, profile.maxPositionEmbeddings());
    if (seq > profile.maxPositionEmbeddings()) {
      throw new RequestException(422, "invalid_hyperparameters", "hyperparams.sequence_length " + seq
          + " exceeds " + profile.name() + "'s context of " + profile.maxPositionEmbeddings() + " tokens");
    }
    AggregationMethod aggregation = aggregation(req.aggregation());
    int firstLayer = req.firstLayer() == null ? 0 : req.firstLayer();
    int lastLayer = req.lastLayer() == null ? profile.numLayers() - 1 : req.lastLayer();
    if (firstLayer < 0 || lastLayer >= profile.numLayers() || firstLayer > lastLayer) {
      throw new RequestException(422, "invalid_layers", "layers must satisfy 0 <= first <= last <= "
          + (profile.numLayers() - 1) + " for " + profile.name() + ", got " + firstLayer + "-" + lastLayer);
    }
    java.util.Set<io.deltachain.core.profile.ModelModule> targets = null;
    if (req.targetModules() != null && !req.targetModules().isEmpty()) {
      targets = java.util.EnumSet.noneOf(io.deltachain.core.profile.ModelModule.class);
      for (String name : req.targetModules()) {
        targets.add(io.deltachain.core.profile.ModelModule.layerLinears().stream()
            .filter(m -> m.hfName().equals(name)).findFirst()
            .orElseThrow(() -> new RequestException(422, "invalid_target_modules", "target_modules: '" + name
                + "' is not a per-layer linear; use " + io.deltachain.core.profile.ModelModule.layerLinears().stream()
                .map(io.deltachain.core.profile.ModelModule::hfName).sorted().toList())));
      }
    }
    List<WorkerSpec> workers = new ArrayList<>();
    for (RegisteredWorker w : registry.aliveTrainers()) {
      double tps = scheduler.tokensPerSecond(view(w));
      if (tps <= 0 || w.memoryBytes() <= 0 || !w.address().matches(ADDRESS)) {
        continue;
      }
      workers.add(WorkerSpec.fromTokensPerSecond(w.address(), w.memoryBytes(), tps, referenceProfile,
          config.referenceSequenceLength(), w.gpuClass(),
          !config.fp16OnlyClasses().contains(w.gpuClass().toLowerCase(Locale.ROOT))));
    }
    if (workers.isEmpty()) {
      long registered = registry.all().stream().filter(w -> w.role() == NodeRole.TRAINER).count();
      int alive = registry.aliveTrainers().size();
      throw new RequestException(503, "no_trainers", "no trainer is available: " + registered
          + " registered, " + alive + " heard from in the last " + config.heartbeatTimeout().toSeconds()
          + " s, none of them with a known throughput (measured by a heartbeat or declared in RegisterNode) and memory");
    }
    PartitionPlan plan;
    try {
      plan = planner.plan(new PlanRequest(profile, mode, req.loraRank(), req.batchSize(), seq, targets), workers);
    } catch (PlanningException e) {
      throw new RequestException(422, "cannot_plan", e.getMessage());
    }

    String roundId = newRoundId();
    PiiFilter.Filtered filtered = pii.filterAll(source.documents());
    List<String> docs = filtered.documents();
    if (docs.size() < 2) {
      throw new RequestException(422, "dataset_too_small", "dataset '" + source.name() + "' has " + docs.size()
          + " document(s) after the personal-data filter; a round needs at least 2 (one held out for evaluation)");
    }
    ContentHash filteredHash = DatasetRegistry.hashOf(docs);
    long evalSeed = Sharding.evalSeed(roundId, filteredHash);
    int evalCount = Math.min(config.evalDocuments(), Math.max(1, docs.size() / 10));
    // the split depends on the filtered data alone (not the round), so rounds on it stay comparable
    long evalSplitSeed = Sharding.evalSplitSeed(filteredHash);
    int[] order = Sharding.permutation(filteredHash, evalSplitSeed, docs.size());
    boolean[] held = new boolean[docs.size()];
    List<String> evalDocs = new ArrayList<>();
    for (int i = 0; i < evalCount; i++) {
      held[order[i]] = true;
      evalDocs.add(docs.get(order[i]));
    }
    List<String> trainDocs = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      if (!held[i]) {
        trainDocs.add(docs.get(i));
      }
    }
    Dataset train = datasets.register(source.name() + " / " + roundId + " / train", trainDocs);
    Dataset eval = datasets.register(source.name() + " / " + roundId + " / eval", evalDocs);
    long roundSeed = Sharding.roundSeed(roundId, train.hash());
    int shardCount = plan.pipelines().size();
    int trainingBlocks = req.trainingBlocks() != null ? req.trainingBlocks() : config.trainingBlocks();
    int validationBlocks = req.validationBlocks() != null ? req.validationBlocks() : config.validationBlocks();

    // What every trainer runs and every validator re-runs, fixed on chain (fixed point, no floats).
    RoundTraining training = new RoundTraining(req.steps() != null ? req.steps() : config.defaultSteps(),
        req.batchSize(), seq, RoundTraining.learningRateE9(req.lr()),
        RoundTraining.loraAlphaMilli(req.loraAlpha() != null ? req.loraAlpha() : 2.0 * Math.max(req.loraRank(), 1)),
        config.baseModel(profile.name()),
        config.datasetSpec(source.name()), RoundTraining.dataSeed(roundId, evalSeed));
    Optional<String> badTraining = training.problem(mode != PlanMode.DENSE);
    if (badTraining.isPresent()) {
      throw new RequestException(422, "invalid_hyperparameters", badTraining.get());
    }

    JsonObject planDoc = new JsonObject()
        .put("round_id", roundId)
        .put("model_id", profile.name())
        .put("hyperparams", new JsonObject().put("lr", req.lr()).put("batch_size", req.batchSize())
            .put("epochs", req.epochs()).put("lora_rank", req.loraRank())
            .put("lora_alpha", training.loraAlphaMilli() / 1000.0).put("sequence_length", seq)
            .put("steps", req.steps()))
        .put("layers", new JsonObject().put("first", firstLayer).put("last", lastLayer))
        .put("dataset", new JsonObject().put("source_hash", source.hash().hex()).put("train_hash", train.hash().hex())
            .put("eval_hash", eval.hash().hex()).put("round_seed", Long.toUnsignedString(roundSeed))
            .put("eval_seed", Long.toUnsignedString(evalSeed))
            .put("eval_split_seed", Long.toUnsignedString(evalSplitSeed)).put("shard_count", shardCount)
            .put("pii", filtered.report().toJson()))
        .put("training", training.toJson())
        .put("plan", plan.toJson());
    ContentHash planHash = ContentHash.sha256(planDoc.encode().getBytes(StandardCharsets.UTF_8));

    StartRound.Builder start = StartRound.newBuilder()
        .setRoundId(roundId)
        .setModelId(profile.name())
        .setPlanHash(ByteString.copyFrom(planHash.bytes()))
        .setEvalSeed(evalSeed)
        .setEvalSetHash(ByteString.copyFrom(eval.hash().bytes()))
        .setDatasetHash(ByteString.copyFrom(train.hash().bytes()))
        .setShardCount(shardCount)
        .setTrainingBlocks(trainingBlocks)
        .setValidationBlocks(validationBlocks)
        .setAggregation(aggregation)
        .setByzantineF(1)
        .setMaxNormRatioPpm(config.maxNormRatioPpm())
        .setTraining(training.toProto());
    Map<Integer, Long> requiredMemory = new TreeMap<>();
    for (Pipeline p : plan.pipelines()) {
      for (Stage s : p.stages()) {
        // a round over some layers keeps the stages that hold them, cut to the requested span
        int from = Math.max(s.layers().first(), firstLayer);
        int to = Math.min(s.layers().last(), lastLayer);
        if (from > to) {
          continue;
        }
        requiredMemory.put(start.getAssignmentsCount(), deviceBytesFor(s.memory().totalBytes()));
        Assignment.Builder a = Assignment.newBuilder()
            .setTrainerAddress(ByteString.copyFrom(HEX.parseHex(s.workerId())))
            .setFirstLayer(from)
            .setLastLayer(to)
            .setMode(protoMode(s.rung().mode()))
            .setLoraRank(s.loraRank())
            .setShardIndex(p.index())
            .setPrecision(PlanPrecisions.label(s.basePrecision()));
        if (s.rung().mode().isLora()) {
          s.spec().targetModules().forEach(m -> a.addTargetModules(m.hfName()));
        }
        start.addAssignments(a);
        performance.recordAssignment(s.workerId());
      }
    }
    RoundExtras extra = new RoundExtras(clientId, planDoc, planHash.hex(), filtered.report().toJson(), requiredMemory);
    keep(extra);
    extras.put(roundId, extra);
    recordPiiMetrics(filtered.report());
    tracker.created(roundId, profile.name(), train.hash().hex());
    Counter.builder("deltachain_round_rounds_started_total").register(metrics).increment();
    // trainers and validators fetch both sets by the hashes StartRound carries: store them first
    return storeDataset("train", train)
        .compose(v -> storeDataset("eval", eval))
        .compose(v -> chain.heads())
        .compose(heads -> {
          // Every layer with a head is declared, not only the trained ones: the round trains on the
          // model as the chain has it, and trainers and validators load exactly these checkpoints.
          for (int l = 0; l < profile.numLayers(); l++) {
            String layer = "model.layers." + l;
            boolean trained = l >= firstLayer && l <= lastLayer;
            Optional<String> base = Optional.ofNullable(heads.get(layer))
                .or(() -> trained ? bases.base(profile.name(), layer) : Optional.empty());
            if (base.isPresent() && base.get().matches("[0-9a-f]{64}")) {
              start.putBaseCheckpoints(layer, ByteString.copyFrom(HEX.parseHex(base.get())));
            }
          }
          return chain.submitStartRound(start.build());
        })
        .map(receipt -> {
          JsonObject out = statusJson(tracker.round(roundId).orElseThrow());
          out.put("tx_hash", receipt.txHash()).put("height", receipt.height()).put("plan_hash", planHash.hex());
          out.put("plan", plan.toJson());
          return out;
        })
        .recover(e -> {
          tracker.failCreated(roundId, "StartRound was not committed: " + e.getMessage());
          if (e instanceof RequestException) {
            return Future.failedFuture(e);
          }
          if (e instanceof ChainRejectedException) {
            return Future.failedFuture(new RequestException(409, "chain_rejected", e.getMessage()));
          }
          return Future.failedFuture(new RequestException(502, "chain_unavailable",
              "the chain did not accept StartRound: " + e.getMessage()));
        });
  }

  private Future<Void> storeDataset(String role, Dataset d) {
    return blobs.store(d.hash(), DatasetBlobs.canonicalBytes(d.documents()))
        .recover(e -> Future.failedFuture(new RequestException(502, "dataset_store_unavailable",
            "the " + role + " set " + d.hash().hex() + " (" + d.size() + " documents) could not be stored in the delta"
            + " store, so trainers could not fetch it; nothing was put on chain: " + e.getMessage())));
  }

  /**
   * A fresh round id: a positive decimal 63-bit number, because trainers and delta files carry
   * the round id as a number.
   */
  private String newRoundId() {
    while (true) {
      long n = random.nextLong() & Long.MAX_VALUE;
      String id = Long.toString(n);
      if (n != 0 && tracker.round(id).isEmpty()) {
        return id;
      }
    }
  }

  private long deviceBytesFor(long usableBytes) {
    return (long) Math.ceil((usableBytes + config.planner().reservedBytes()) / (1 - config.planner().reservedFraction()));
  }

  private void recordPiiMetrics(PiiReport report) {
    for (PiiCategory c : PiiCategory.values()) {
      long n = report.count(c);
      if (n > 0) {
        Counter.builder("deltachain_round_pii_findings_total").tag("category", c.name().toLowerCase(Locale.ROOT))
            .register(metrics).increment(n);
      }
    }
  }

  private static TrainingMode protoMode(io.deltachain.core.profile.TrainingMode m) {
    return switch (m) {
      case FULL -> TrainingMode.FULL;
      case LORA -> TrainingMode.LORA;
      case QLORA -> TrainingMode.QLORA;
      case STAGED -> TrainingMode.STAGED;
    };
  }

  private static AggregationMethod aggregation(String text) {
    if (text == null) {
      return AggregationMethod.TRIMMED_MEAN;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "weighted_mean" -> AggregationMethod.WEIGHTED_MEAN;
      case "krum" -> AggregationMethod.KRUM;
      case "multi_krum" -> AggregationMethod.MULTI_KRUM;
      case "trimmed_mean" -> AggregationMethod.TRIMMED_MEAN;
      case "coordinate_median" -> AggregationMethod.COORDINATE_MEDIAN;
      default -> throw new RequestException(400, "invalid_aggregation", "aggregation must be one of weighted_mean,"
          + " krum, multi_krum, trimmed_mean, coordinate_median; got '" + text + "'");
    };
  }

  /** Relays an external trainer's delta to the chain. */
  public Future<JsonObject> submitDelta(String roundId, SubmitDeltaRequest req) {
    try {
      RoundView round = requireRound(roundId);
      if (round.state() != RoundState.TRAINING) {
        throw new RequestException(409, "round_not_training", "round " + roundId + " is " + round.state()
            + "; deltas are accepted only while it is TRAINING");
      }
      int numLayers = ModelProfiles.bundled(round.modelId()).numLayers();
      Optional<Integer> layer = RoundTracker.layerIndex(req.layerName());
      if (layer.isEmpty() || layer.get() >= numLayers) {
        throw new RequestException(422, "invalid_layer", "layer_name must be model.layers.N with N in 0.."
            + (numLayers - 1) + " for " + round.modelId() + ", got '" + req.layerName() + "'");
      }
      int l = layer.get();
      AssignmentView assignment;
      String trainer;
      if (req.trainer() != null) {
        trainer = req.trainer().toLowerCase(Locale.ROOT);
        assignment = round.assignments().stream().filter(a -> a.trainer().equals(trainer) && a.covers(l)).findFirst()
            .orElseThrow(() -> new RequestException(422, "not_assigned", "trainer " + req.trainer()
                + " is not assigned layer " + l + " in round " + roundId));
      } else {
        assignment = round.assignments().stream().filter(a -> a.covers(l))
            .filter(a -> round.deltas().stream().noneMatch(d -> d.shardIndex() == a.shardIndex()
                && req.layerName().equals(d.layer())))
            .findFirst()
            .orElseThrow(() -> new RequestException(409, "layer_complete", "every assignment of layer " + l
                + " in round " + roundId + " already has a delta; name the trainer to submit another"));
        trainer = assignment.trainer();
      }
      if (!(req.lossBefore() >= 0) || !(req.lossAfter() >= 0)) {
        throw new RequestException(422, "invalid_metrics", "metrics.loss_before and metrics.loss_after must be"
            + " non-negative numbers");
      }
      SubmitDelta.Builder d = SubmitDelta.newBuilder()
          .setRoundId(roundId)
          .setLayer(req.layerName())
          .setBaseHash(ByteString.copyFrom(HEX.parseHex(req.baseHash().toLowerCase(Locale.ROOT))))
          .setContentHash(ByteString.copyFrom(HEX.parseHex(req.deltaBlockHash().toLowerCase(Locale.ROOT))))
          .setMode(TrainingMode.valueOf(assignment.mode()))
          .setLoraRank(assignment.loraRank())
          .setShardIndex(assignment.shardIndex())
          .setLossBeforeMicro(Math.round(req.lossBefore() * 1e6))
          .setLossAfterMicro(Math.round(req.lossAfter() * 1e6));
      if (req.cid() != null) {
        d.setCid(req.cid());
      }
      if (req.sizeBytes() != null) {
        d.setSizeBytes(req.sizeBytes());
      }
      if (req.tokens() != null) {
        d.setTokens(req.tokens());
      }
      JsonObject m = new JsonObject().put("loss_before", req.lossBefore()).put("loss_after", req.lossAfter())
          .put("eval_score", req.evalScore());
      return chain.submitDelta(trainer, d.build())
          .map(receipt -> {
            deltaMetrics.put(receipt.txHash(), m);
            return new JsonObject().put("delta_id", receipt.txHash()).put("round_id", roundId)
                .put("layer_name", req.layerName()).put("trainer", trainer).put("shard_index", assignment.shardIndex())
                .put("height", receipt.height()).put("status", "PENDING");
          })
          .recover(RoundService::deltaRefused);
    } catch (RequestException e) {
      return Future.failedFuture(e);
    }
  }

  private static <T> Future<T> deltaRefused(Throwable e) {
    if (e instanceof SignatureRequiredException) {
      return Future.failedFuture(new RequestException(422, "signature_required", e.getMessage()));
    }
    return Future.failedFuture(e instanceof ChainRejectedException
        ? new RequestException(409, "chain_rejected", e.getMessage())
        : new RequestException(502, "chain_unavailable", "the chain did not accept the delta: " + e.getMessage()));
  }

  /**
   * Relays a SubmitDelta the trainer signed itself (base64 of a {@code TxEnvelope}), after the
   * checks the chain would make and can name better here: the body type, the round in the body
   * against the round in the path, the signature, and that the signer is assigned in the round.
   */
  public Future<JsonObject> submitSignedDelta(String roundId, String signedTxBase64) {
    try {
      RoundView round = requireRound(roundId);
      byte[] raw;
      try {
        raw = java.util.Base64.getDecoder().decode(signedTxBase64.replace('-', '+').replace('_', '/'));
      } catch (IllegalArgumentException e) {
        throw new RequestException(400, "invalid_request", "signed_tx is not base64: " + e.getMessage());
      }
      io.deltachain.core.tx.proto.TxEnvelope env;
      SubmitDelta delta;
      try {
        env = io.deltachain.core.tx.TxEnvelopes.parse(raw);
        if (env.getBodyType() != io.deltachain.core.tx.proto.BodyType.SUBMIT_DELTA) {
          throw new RequestException(422, "invalid_signed_tx", "signed_tx is a " + env.getBodyType()
              + " transaction; only SUBMIT_DELTA is relayed");
        }
        delta = SubmitDelta.parseFrom(env.getBody());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new RequestException(422, "invalid_signed_tx", "signed_tx is not a deltachain TxEnvelope with a"
            + " SubmitDelta body: " + e.getMessage());
      }
      if (!delta.getRoundId().equals(roundId)) {
        throw new RequestException(422, "round_mismatch", "signed_tx is for round '" + delta.getRoundId()
            + "', the path names round '" + roundId + "'");
      }
      if (!io.deltachain.core.tx.TxEnvelopes.signatureValid(env)) {
        throw new RequestException(422, "bad_signature", "signed_tx's signature does not verify against its"
            + " signer_pub_key");
      }
      if (round.state() != RoundState.TRAINING) {
        throw new RequestException(409, "round_not_training", "round " + roundId + " is " + round.state()
            + "; deltas are accepted only while it is TRAINING");
      }
      String signer = HEX.formatHex(io.deltachain.core.crypto.NodeKey.addressOf(env.getSignerPubKey().toByteArray()));
      if (round.assignments().stream().noneMatch(a -> a.trainer().equals(signer) || a.originalTrainer().equals(signer))) {
        throw new RequestException(422, "not_assigned", "signer " + signer + " has no assignment in round " + roundId);
      }
      return chain.submitSignedDelta(raw)
          .map(receipt -> new JsonObject().put("delta_id", receipt.txHash()).put("round_id", roundId)
              .put("layer_name", delta.getLayer()).put("trainer", signer).put("shard_index", delta.getShardIndex())
              .put("height", receipt.height()).put("status", "PENDING"))
          .recover(RoundService::deltaRefused);
    } catch (RequestException e) {
      return Future.failedFuture(e);
    }
  }

  /** Cancels a round that has not ended. */
  public Future<JsonObject> cancel(String roundId, String reason) {
    try {
      RoundView round = requireRound(roundId);
      String why = RoundTracker.CANCEL_PREFIX + ": " + (reason == null || reason.isBlank() ? "requested" : reason);
      if (round.state().terminal()) {
        throw new RequestException(409, "round_ended", "round " + roundId + " already ended: " + round.state()
            + " (" + round.reason() + ")");
      }
      if (round.state() == RoundState.CREATED) {
        tracker.cancelCreated(roundId, why);
        return Future.succeededFuture(statusJson(tracker.round(roundId).orElseThrow()));
      }
      return chain.submitFinalize(FinalizeRound.newBuilder().setRoundId(roundId).setReason(why).build())
          .map(r -> statusJson(tracker.round(roundId).orElseThrow()))
          .recover(e -> Future.failedFuture(new RequestException(409, "chain_rejected", e.getMessage())));
    } catch (RequestException e) {
      return Future.failedFuture(e);
    }
  }

  private RoundView requireRound(String roundId) {
    return tracker.round(roundId).orElseThrow(() -> new RequestException(404, "round_not_found",
        "no round with id '" + roundId + "'"));
  }

  // --- views -----------------------------------------------------------------------------------

  /** The status document of a round. */
  public JsonObject status(String roundId) {
    return statusJson(requireRound(roundId));
  }

  /** The round's plan document (its SHA-256 is the StartRound's plan_hash), when this service made it. */
  public JsonObject plan(String roundId) {
    requireRound(roundId);
    RoundExtras e = extras.get(roundId);
    if (e == null) {
      throw new RequestException(404, "plan_not_found", "round " + roundId + " was planned by another coordinator"
          + " (or before a restart); its plan hash is on chain, the document is not held here");
    }
    return new JsonObject().put("plan_hash", e.planHash()).put("document", e.planDocument());
  }

  /** Rounds, newest first, optionally of one state. */
  public JsonArray list(String state, int limit) {
    RoundState filter = null;
    if (state != null) {
      try {
        filter = RoundState.valueOf(state.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new RequestException(400, "invalid_state", "state must be one of "
            + java.util.Arrays.toString(RoundState.values()) + ", got '" + state + "'");
      }
    }
    List<RoundView> all = new ArrayList<>(tracker.rounds());
    java.util.Collections.reverse(all);
    JsonArray out = new JsonArray();
    for (RoundView r : all) {
      if (out.size() >= limit) {
        break;
      }
      if (filter == null || r.state() == filter) {
        out.add(new JsonObject().put("round_id", r.roundId()).put("status", r.state().name())
            .put("model_id", r.modelId()).put("progress", r.progress()).put("deltas_received", r.deltasReceived())
            .put("deltas_validated", r.deltasValidated()).put("start_height", r.startHeight()).put("reason", r.reason()));
      }
    }
    return out;
  }

  /** A delta. */
  public JsonObject delta(String deltaId) {
    DeltaRecord d = tracker.delta(deltaId.toLowerCase(Locale.ROOT)).orElseThrow(() -> new RequestException(404,
        "delta_not_found", "no delta with id '" + deltaId + "'"));
    JsonObject out = deltaJson(d);
    JsonObject m = deltaMetrics.get(d.deltaId());
    if (m != null) {
      out.put("metrics", m);
    }
    return out;
  }

  /** A layer's lineage from the chain. */
  public Future<JsonObject> lineage(String layer) {
    return chain.lineage(layer).map(entries -> {
      JsonArray a = new JsonArray();
      for (LineageEntry e : entries) {
        a.add(new JsonObject().put("checkpoint_hash", e.checkpointHash()).put("parent_hash", e.parentHash())
            .put("round_id", e.roundId()).put("cid", e.cid()).put("height", e.height())
            .put("contributing_deltas", new JsonArray(new ArrayList<>(e.contributingDeltas()))));
      }
      return new JsonObject().put("layer", layer).put("head", entries.isEmpty() ? null
          : entries.get(entries.size() - 1).checkpointHash()).put("lineage", a);
    });
  }

  /** Registered nodes with liveness and track record. */
  public JsonArray workers() {
    JsonArray out = new JsonArray();
    for (RegisteredWorker w : registry.all()) {
      WorkerPerformance p = performance.get(w.address());
      out.add(new JsonObject().put("address", w.address()).put("role", w.role().name()).put("moniker", w.moniker())
          .put("device", w.device()).put("memory_bytes", w.memoryBytes()).put("gpu_class", w.gpuClass())
          .put("registered_tokens_per_second", w.tokensPerSecond())
          .put("measured_tokens_per_second", p.measured() ? p.measuredTokensPerSecond() : null)
          .put("success_rate", p.successRate()).put("verdicts", p.verdicts()).put("assignments", p.assignments())
          .put("alive", registry.alive(w.address())).put("registered_height", w.registeredHeight()));
    }
    return out;
  }

  /** Health: height, rounds, trainers alive. */
  public JsonObject health() {
    return new JsonObject().put("status", "ok").put("height", tracker.height()).put("rounds", tracker.rounds().size())
        .put("trainers_alive", registry.aliveTrainers().size());
  }

  private JsonObject statusJson(RoundView r) {
    JsonArray workers = new JsonArray();
    for (AssignmentView a : r.assignments()) {
      long delivered = r.deltas().stream().filter(d -> d.shardIndex() == a.shardIndex()
          && RoundTracker.layerIndex(d.layer()).map(a::covers).orElse(false)).count();
      JsonObject w = new JsonObject().put("address", a.trainer())
          .put("moniker", registry.get(a.trainer()).map(RegisteredWorker::moniker).orElse(""))
          .put("layers", a.firstLayer() + "-" + a.lastLayer()).put("shard_index", a.shardIndex())
          .put("mode", a.mode()).put("lora_rank", a.loraRank()).put("precision", a.precision())
          .put("alive", registry.alive(a.trainer())).put("deltas_submitted", delivered);
      if (a.replaced()) {
        w.put("replaced", a.originalTrainer()).put("replacement_reason", a.replacementReason());
      }
      workers.add(w);
    }
    JsonArray checkpoints = new JsonArray();
    for (CheckpointRecord c : r.checkpoints()) {
      checkpoints.add(new JsonObject().put("layer", c.layer()).put("hash", c.hash()).put("cid", c.cid())
          .put("height", c.height()));
    }
    JsonArray history = new JsonArray();
    for (Transition t : r.history()) {
      history.add(new JsonObject().put("status", t.state().name()).put("height", t.height()).put("reason", t.reason()));
    }
    RoundExtras e = extras.get(r.roundId());
    JsonObject out = new JsonObject()
        .put("round_id", r.roundId())
        .put("status", r.state().name())
        .put("reason", r.reason())
        .put("model_id", r.modelId())
        .put("workers", workers)
        .put("progress", r.progress())
        .put("deltas_received", r.deltasReceived())
        .put("deltas_validated", r.deltasValidated())
        .put("deltas_accepted", r.count(DeltaStatus.ACCEPTED))
        .put("deltas_rejected", r.count(DeltaStatus.REJECTED))
        .put("deltas_expired", r.count(DeltaStatus.EXPIRED))
        .put("deltas_pending", r.count(DeltaStatus.PENDING))
        .put("deltas_expected", r.expectedDeltas())
        .put("deltas", new JsonArray(r.deltas().stream().map(RoundService::deltaJson).toList()))
        .put("checkpoints", checkpoints)
        .put("partial", r.partial())
        .put("dataset_hash", r.datasetHash())
        .put("shard_count", r.shardCount())
        .put("start_height", r.startHeight())
        .put("start_tx_hash", r.startTxHash())
        .put("deadlines", new JsonObject().put("training", r.trainingDeadline()).put("validation", r.validationDeadline())
            .put("aggregation", r.aggregationDeadline()))
        .put("height", tracker.height())
        .put("cost", costs.cost(r.roundId()).toJson())
        .put("history", history);
    if (e != null) {
      out.put("plan_hash", e.planHash()).put("pii", e.pii());
    }
    return out;
  }

  private static JsonObject deltaJson(DeltaRecord d) {
    return new JsonObject().put("delta_id", d.deltaId()).put("round_id", d.roundId()).put("layer_name", d.layer())
        .put("trainer", d.trainer()).put("shard_index", d.shardIndex()).put("base_hash", d.baseHash())
        .put("delta_block_hash", d.contentHash()).put("cid", d.cid()).put("size_bytes", d.sizeBytes())
        .put("tokens", d.tokens()).put("loss_before", d.lossBeforeMicro() / 1e6).put("loss_after", d.lossAfterMicro() / 1e6)
        .put("status", d.status().name()).put("reasons", new JsonArray(new ArrayList<>(d.reasons())))
        .put("committed_height", d.committedHeight()).put("decided_height", d.decidedHeight());
  }

  /** The cost of a round so far. */
  public JsonObject cost(String roundId) {
    requireRound(roundId);
    return costs.cost(roundId).toJson();
  }

  /** Dataset metadata. */
  public static JsonObject datasetJson(Dataset d) {
    return new JsonObject().put("hash", d.hash().hex()).put("name", d.name()).put("documents", d.size())
        .put("bytes", d.bytes());
  }

}
