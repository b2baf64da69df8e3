package io.deltachain.trainer.task;

import ai.djl.Device;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.delta.DeltaMetadata;
import io.deltachain.core.delta.PeftAdapters;
import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.MemoryModel;
import io.deltachain.core.profile.ModelModule;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.Precision;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.profile.TrainingSpec;
import io.deltachain.core.tensor.DType;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.HashedDatasets;
import io.deltachain.trainer.data.HfTokenizer;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.data.ShardPlan;
import io.deltachain.trainer.data.Tokenizer;
import io.deltachain.trainer.delta.DeltaExporter;
import io.deltachain.trainer.hf.HfCheckpoints;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LayerCheckpoints;
import io.deltachain.trainer.model.LoraConfig;
import io.deltachain.trainer.model.Nf4Quantizer;
import io.deltachain.trainer.replay.RecordingBatches;
import io.deltachain.trainer.replay.ReplayRecorder;
import io.deltachain.trainer.train.StepResult;
import io.deltachain.trainer.train.TrainingConfig;
import io.deltachain.trainer.train.TrainingSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs one {@link TrainingTask} on this node: checks it can, loads the base, builds the shard,
 * measures the loss before, trains, measures after, and writes one delta file per layer (plus a
 * PEFT adapter for LoRA modes) into a work directory. Blocking: call it from a worker thread.
 */
public final class TrainingJob {
  /** Evaluation batches for the before/after losses. */
  static final int EVAL_BATCHES = 4;
  /** Held-out documents per round (the same on every node). */
  public static final int HELD_OUT_DOCUMENTS = 64;

  private final Path workDir;
  private final String trainerId;
  private final Device device;
  private final int checkpointEvery;
  private final int replayInterval;
  private final LayerCheckpoints.BlobSource checkpoints;

  /**
   * Creates a job runner that does not checkpoint.
   *
   * @param workDir where delta files are written (one subdirectory per task)
   * @param trainerId the node's identity recorded in delta metadata (its address)
   * @param device training device
   */
  public TrainingJob(Path workDir, String trainerId, Device device) {
    this(workDir, trainerId, device, 0);
  }

  /**
   * Creates a job runner.
   *
   * @param workDir where delta files are written (one subdirectory per task)
   * @param trainerId the node's identity recorded in delta metadata (its address)
   * @param device training device
   * @param checkpointEvery steps between resume checkpoints in {@code <workDir>/<task>/checkpoint}
   *     (0 = none); a job that finds one there continues from it
   */
  public TrainingJob(Path workDir, String trainerId, Device device, int checkpointEvery) {
    this(workDir, trainerId, device, checkpointEvery, ReplayRecorder.DEFAULT_INTERVAL);
  }

  /**
   * Creates a job runner.
   *
   * @param workDir where delta files are written (one subdirectory per task)
   * @param trainerId the node's identity recorded in delta metadata (its address)
   * @param device training device
   * @param checkpointEvery steps between resume checkpoints (0 = none)
   * @param replayInterval k: the training state is recorded for replay spot-checks every k steps
   *     and at the last step, into {@code <workDir>/<task>/replay}
   */
  public TrainingJob(Path workDir, String trainerId, Device device, int checkpointEvery, int replayInterval) {
    this(workDir, trainerId, device, checkpointEvery, replayInterval, LayerCheckpoints.BlobSource.none());
  }

  /**
   * Creates a job runner that can build on layer checkpoints.
   *
   * @param workDir where delta files are written (one subdirectory per task)
   * @param trainerId the node's identity recorded in delta metadata (its address)
   * @param device training device
   * @param checkpointEvery steps between resume checkpoints (0 = none)
   * @param replayInterval k: the training state is recorded for replay spot-checks every k steps
   * @param checkpoints where a task's {@link TrainingTask#baseCheckpoints()} are fetched (the delta store)
   */
  public TrainingJob(Path workDir, String trainerId, Device device, int checkpointEvery, int replayInterval,
      LayerCheckpoints.BlobSource checkpoints) {
    this.checkpoints = checkpoints;
    if (replayInterval < 1) {
      throw new IllegalArgumentException("replay interval must be at least 1 step, got " + replayInterval);
    }
    this.workDir = workDir;
    this.trainerId = trainerId;
    this.device = device;
    this.checkpointEvery = checkpointEvery;
    this.replayInterval = replayInterval;
  }

  /**
   * Why this node cannot run a task, if it cannot.
   *
   * @param task the task
   * @param availableBytes memory available for training on the device
   * @param device the device
   * @return the reason, or empty when the task can run
   */
  public static Optional<String> refusal(TrainingTask task, long availableBytes, Device device) {
    ModelProfile profile;
    try {
      profile = resolveProfile(task);
    } catch (RuntimeException | IOException e) {
      return Optional.of(e.getMessage());
    }
    if (!task.baseCheckpoint().startsWith("random:")) {
      Path base = Path.of(task.baseCheckpoint());
      if (!Files.isDirectory(base) || !(Files.exists(base.resolve("model.safetensors"))
          || Files.exists(base.resolve("model.safetensors.index.json")))) {
        return Optional.of("base checkpoint " + task.baseCheckpoint() + " is missing on this node");
      }
    }
    if (!task.baseHash().isEmpty()) {
      try {
        ContentHash.parse(task.baseHash());
      } catch (RuntimeException e) {
        return Optional.of("base hash '" + task.baseHash() + "' is not a hex SHA-256");
      }
    }
    for (Map.Entry<String, String> c : task.baseCheckpoints().entrySet()) {
      try {
        ContentHash.parse(c.getValue());
      } catch (RuntimeException e) {
        return Optional.of("base checkpoint of " + c.getKey() + " '" + c.getValue() + "' is not a hex SHA-256");
      }
      if (!c.getKey().matches("model\\.layers\\.\\d+") || Integer.parseInt(c.getKey().substring(13)) >= profile.numLayers()) {
        return Optional.of("base checkpoint for '" + c.getKey() + "', which is not a layer of " + profile.name());
      }
    }
    if (task.shardIndex() < 0 || task.shardIndex() >= task.shardCount()) {
      return Optional.of("shard index " + task.shardIndex() + " outside [0, " + task.shardCount() + ")");
    }
    if (task.steps() <= 0 || task.batchSize() <= 0 || task.sequenceLength() <= 0) {
      return Optional.of("steps, batch size and sequence length must be positive");
    }
    if (task.sequenceLength() > profile.maxPositionEmbeddings()) {
      return Optional.of("sequence length " + task.sequenceLength() + " exceeds max_position_embeddings "
          + profile.maxPositionEmbeddings() + " of " + profile.name());
    }
    boolean fp16 = task.precision().equalsIgnoreCase("fp16");
    if (fp16 && Device.Type.CPU.equals(device.getDeviceType())) {
      return Optional.of("fp16 training needs CUDA; this node trains on CPU");
    }
    if (!fp16 && !task.precision().equalsIgnoreCase("fp32") && !task.precision().equalsIgnoreCase("nf4")) {
      return Optional.of("unsupported precision '" + task.precision() + "' (fp32, fp16, nf4)");
    }
    try {
      long need = MemoryModel.estimate(profile, spec(task, profile)).totalBytes();
      if (need > availableBytes) {
        return Optional.of(String.format(Locale.ROOT,
            "not enough memory for %s of %s: needs about %.2f GB, %.2f GB available",
            task.mode(), profile.name(), need / 1e9, availableBytes / 1e9));
      }
    } catch (RuntimeException e) {
      return Optional.of("invalid assignment: " + e.getMessage());
    }
    return Optional.empty();
  }

  static TrainingSpec spec(TrainingTask task, ModelProfile profile) {
    boolean fp16 = task.precision().equalsIgnoreCase("fp16");
    TrainingSpec.Builder b = TrainingSpec.builder(task.mode())
        .optBasePrecision(task.mode() == TrainingMode.QLORA ? Precision.NF4 : Precision.FP32)
        .optComputePrecision(fp16 ? Precision.FP16 : Precision.FP32)
        .optMicroBatch(task.batchSize())
        .optSequenceLength(task.sequenceLength())
        .optDoubleQuant(false)
        .optActivationCheckpointing(task.activationCheckpointing());
    if (task.firstLayer() >= 0) {
      b.optLayerRange(new LayerRange(task.firstLayer(), task.lastLayer()));
    }
    if (task.mode().isLora()) {
      EnumSet<ModelModule> modules = EnumSet.noneOf(ModelModule.class);
      for (String m : task.targetModules()) {
        boolean found = false;
        for (ModelModule mm : ModelModule.values()) {
          if (mm.hfName().equals(m)) {
            modules.add(mm);
            found = true;
          }
        }
        if (!found) {
          throw new IllegalArgumentException("unknown LoRA target module '" + m + "'");
        }
      }
      b.optLoraRank(task.loraRank()).optTargetModules(modules);
    }
    return b.build();
  }

  /**
   * The model profile of a task: the base checkpoint's config.json, else the bundled profile.
   *
   * @param task the task
   * @return the profile
   * @throws IOException if config.json cannot be read
   */
  public static ModelProfile resolveProfile(TrainingTask task) throws IOException {
    if (!task.baseCheckpoint().startsWith("random:")) {
      Path config = Path.of(task.baseCheckpoint()).resolve("config.json");
      if (Files.isRegularFile(config)) {
        return ModelProfiles.fromConfigJson(config);
      }
    }
    if (!ModelProfiles.bundledNames().contains(task.profile())) {
      throw new IllegalArgumentException("unknown model profile '" + task.profile() + "' (known: "
          + ModelProfiles.bundledNames() + ")");
    }
    return ModelProfiles.bundled(task.profile());
  }

  /**
   * Runs the task.
   *
   * @param task the task
   * @param progress called after every step
   * @param cancelled polled between steps; true stops the job with a CancellationException
   * @return the result
   * @throws IOException on data, checkpoint or output failures
   */
  public JobResult run(TrainingTask task, Consumer<JobProgress> progress, BooleanSupplier cancelled)
      throws IOException {
    long start = System.nanoTime();
    ModelProfile profile = resolveProfile(task);
    Corpus corpus = corpus(task);
    Tokenizer tokenizer = tokenizer(task, profile);
    ShardPlan plan = shardPlan(task, corpus);
    PackedBatches shard = shard(task, corpus, tokenizer);
    List<String> heldOutDocs = plan.heldOutDocuments(corpus);
    // a round's train set has no held-out part: its evaluation set is a separate dataset on chain
    PackedBatches heldOut = heldOutDocs.isEmpty() ? null : new PackedBatches(heldOutDocs, tokenizer, task.batchSize(),
        task.sequenceLength(), plan.heldOutSeed(), "heldout");
    List<Batch> shardEval = new ArrayList<>();
    List<Batch> heldEval = new ArrayList<>();
    for (int i = 0; i < EVAL_BATCHES; i++) {
      shardEval.add(shard.batchAt(i));
      if (heldOut != null) {
        heldEval.add(heldOut.batchAt(i));
      }
    }
    TrainingConfig config = trainingConfig(task, profile);

    Path outDir = workDir.resolve(task.taskId());
    Files.createDirectories(outDir);
    try (CausalLm model = loadBase(task, profile, device, checkpoints)) {
      int first = task.firstLayer() >= 0 ? task.firstLayer() : 0;
      int last = task.firstLayer() >= 0 ? task.lastLayer() : profile.numLayers() - 1;
      Map<String, float[]> before = task.mode().isLora()
          ? Map.of()
          : DeltaExporter.snapshot(model, first, last, task.firstLayer() < 0);
      double shardBefore = TrainingSession.evaluate(model, shardEval);
      double heldBefore = heldEval.isEmpty() ? Double.NaN : TrainingSession.evaluate(model, heldEval);
      double lastLoss = Double.NaN;
      long trainStart = System.nanoTime();
      RecordingBatches recorded = new RecordingBatches(shard);
      try (TrainingSession session = new TrainingSession(model, config, recorded,
          task.mode() == TrainingMode.QLORA ? new Nf4Quantizer() : null)) {
        Path checkpoint = outDir.resolve("checkpoint");
        if (Files.isRegularFile(checkpoint.resolve("state.json"))) {
          session.resume(checkpoint);
        }
        ReplayRecorder replay = new ReplayRecorder(outDir.resolve("replay"), replayInterval, config.steps(),
            config.gradientAccumulation(), recorded);
        replay.start(session);
        while (session.step() < config.steps()) {
          if (cancelled.getAsBoolean()) {
            throw new CancellationException("task " + task.taskId() + " cancelled at step " + session.step());
          }
          StepResult r = session.trainStep();
          lastLoss = r.loss();
          // before the checkpoint, so a resume from it always finds the states up to its step
          replay.afterStep(session);
          if (checkpointEvery > 0 && r.step() % checkpointEvery == 0 && r.step() < config.steps()) {
            session.saveCheckpoint(checkpoint);
          }
          double secs = (System.nanoTime() - trainStart) / 1e9;
          double tps = session.tokens() / Math.max(secs, 1e-9);
          double eta = secs / r.step() * (config.steps() - r.step());
          progress.accept(new JobProgress(task.taskId(), r.step(), config.steps(), r.loss(), tps, eta));
        }
        double shardAfter = session.evaluate(shardEval);
        double heldAfter = heldEval.isEmpty() ? Double.NaN : session.evaluate(heldEval);
        double wall = (System.nanoTime() - start) / 1e9;
        double trainSecs = (System.nanoTime() - trainStart) / 1e9;
        Map<String, String> metrics = new TreeMap<>();
        metrics.put("loss_before", fmt(shardBefore));
        metrics.put("loss_after", fmt(shardAfter));
        if (!heldEval.isEmpty()) {
          metrics.put("heldout_loss_before", fmt(heldBefore));
          metrics.put("heldout_loss_after", fmt(heldAfter));
        }
        if (HashedDatasets.isHashSpec(task.dataset())) {
          // names what was trained on, so anyone can compare it with the round's dataset_hash on chain
          metrics.put("dataset_hash", corpus.hash().hex());
        }
        metrics.put("last_train_loss", fmt(lastLoss));
        metrics.put("tokens", Long.toString(session.tokens()));
        metrics.put("steps", Integer.toString(session.step()));
        metrics.put("wall_time_s", fmt(wall));
        metrics.put("tokens_per_s", fmt(session.tokens() / trainSecs));
        metrics.put("mode", task.mode().name());
        metrics.put("shard_index", Integer.toString(task.shardIndex()));

        DeltaMetadata.Builder template = DeltaMetadata.builder()
            .setBaseHash(baseHash(task))
            .setRoundId(task.roundId())
            .setTrainerId(trainerId);
        metrics.forEach(template::optMetric);
        List<DeltaFile> deltas = task.mode().isLora()
            ? DeltaExporter.lora(model, template)
            : DeltaExporter.dense(model, before, template);
        List<Path> files = new ArrayList<>();
        for (DeltaFile d : deltas) {
          Path f = outDir.resolve("delta-" + d.metadata().layer() + ".safetensors");
          d.write(f);
          files.add(f);
        }
        Path peft = null;
        if (task.mode().isLora()) {
          peft = outDir.resolve("peft-adapter");
          PeftAdapters.export(DeltaExporter.adapter(model, profile.name()), peft, DType.F32);
        }
        return new JobResult(task, files, deltas, peft, metrics, replay.finish());
      }
    }
  }

  /**
   * The shard plan of a task's round (dataset hash, round seed, shard count, held-out documents).
   *
   * @param task the task
   * @param corpus its dataset
   * @return the plan
   */
  public static ShardPlan shardPlan(TrainingTask task, Corpus corpus) {
    return new ShardPlan(corpus.hash(), task.roundSeed(), task.shardCount(), heldOutDocuments(task));
  }

  /**
   * Documents a task's shard plan holds out: none for a hash-addressed dataset (a round's train
   * set, whose evaluation set is a separate dataset), {@link #HELD_OUT_DOCUMENTS} for a dataset
   * spec a standalone run resolves itself.
   *
   * @param task the task
   * @return the held-out count
   */
  public static int heldOutDocuments(TrainingTask task) {
    return HashedDatasets.isHashSpec(task.dataset()) ? 0 : HELD_OUT_DOCUMENTS;
  }

  /**
   * A task's dataset: for {@code sha256:<hex>} the blob fetched from this job's blob source (the
   * delta store) and verified against the hash; otherwise the spec resolved locally
   * ({@link #loadCorpus}). Either way checked against the task's {@code datasetHash} when it has one.
   *
   * @param task the task
   * @return the corpus
   * @throws IOException when the dataset cannot be loaded or does not match its hash
   */
  public Corpus corpus(TrainingTask task) throws IOException {
    return loadCorpus(task, checkpoints);
  }

  /**
   * A task's dataset from a blob source ({@link #corpus(TrainingTask)}).
   *
   * @param task the task
   * @param blobs where hash-addressed datasets are fetched
   * @return the corpus
   * @throws IOException when the dataset cannot be loaded or does not match its hash
   */
  public static Corpus loadCorpus(TrainingTask task, LayerCheckpoints.BlobSource blobs) throws IOException {
    Corpus corpus = HashedDatasets.isHashSpec(task.dataset())
        ? HashedDatasets.fetch(HashedDatasets.hashOf(task.dataset()), blobs)
        : loadCorpus(task.dataset());
    if (!task.datasetHash().isEmpty() && !corpus.hash().hex().equalsIgnoreCase(task.datasetHash())) {
      throw new IOException("dataset " + task.dataset() + " has hash " + corpus.hash().hex() + ", the task expects "
          + task.datasetHash());
    }
    return corpus;
  }

  /**
   * The task's training batches: its shard, packed and ordered from the round's seed.
   *
   * @param task the task
   * @param corpus its dataset
   * @param tokenizer its tokenizer
   * @return the batches, at position 0
   */
  public static PackedBatches shard(TrainingTask task, Corpus corpus, Tokenizer tokenizer) {
    ShardPlan plan = shardPlan(task, corpus);
    return new PackedBatches(plan.shard(corpus, task.shardIndex()), tokenizer, task.batchSize(),
        task.sequenceLength(), plan.seed("shard", task.shardIndex()),
        corpus.hash().hex() + "/" + task.shardIndex() + "/" + task.shardCount());
  }

  /**
   * The optimizer settings a task implies (schedule, seed, layer range, LoRA, staged schedule):
   * the same for the trainer and for a validator that replays its steps.
   *
   * @param task the task
   * @param profile its model profile
   * @return the configuration
   */
  public static TrainingConfig trainingConfig(TrainingTask task, ModelProfile profile) {
    TrainingConfig.Builder cb = TrainingConfig.builder().setMode(task.mode()).setSteps(task.steps())
        .optBatch(task.batchSize(), task.sequenceLength())
        .optLearningRate(task.learningRate(), task.learningRate() / 10, Math.max(1, task.steps() / 20))
        .optSeed(task.roundSeed() * 31 + task.shardIndex())
        .optMixedPrecision(task.precision().equalsIgnoreCase("fp16"))
        .optActivationCheckpointing(task.activationCheckpointing());
    if (task.firstLayer() >= 0) {
      cb.optLayerRange(task.firstLayer(), task.lastLayer());
    }
    if (task.mode().isLora()) {
      cb.optLora(new LoraConfig(task.loraRank(), task.loraAlpha(), 0.0, task.targetModules()));
    }
    if (task.mode() == TrainingMode.STAGED) {
      int range = task.firstLayer() >= 0 ? task.lastLayer() - task.firstLayer() + 1 : profile.numLayers();
      cb.optStaged(1, Math.max(1, task.steps() / range));
    }
    return cb.build();
  }

  /**
   * The task's base model: {@code random:<seed>} or a Hugging Face checkpoint directory.
   *
   * @param task the task
   * @param profile its profile
   * @param device where to put it
   * @return the model
   * @throws IOException if the checkpoint cannot be read
   */
  public static CausalLm loadBase(TrainingTask task, ModelProfile profile, Device device) throws IOException {
    return loadBase(task, profile, device, LayerCheckpoints.BlobSource.none());
  }

  /**
   * The task's base model with its {@link TrainingTask#baseCheckpoints()} loaded: the model a
   * round builds on, the same on the trainer and on every validator.
   *
   * @param task the task
   * @param profile its profile
   * @param device where to put it
   * @param checkpoints where the layer checkpoints are fetched
   * @return the model
   * @throws IOException if the checkpoint cannot be read, or a layer checkpoint is unavailable or corrupt
   */
  public static CausalLm loadBase(TrainingTask task, ModelProfile profile, Device device,
      LayerCheckpoints.BlobSource checkpoints) throws IOException {
    CausalLm model;
    if (task.baseCheckpoint().startsWith("random:")) {
      int seed = Integer.parseInt(task.baseCheckpoint().substring("random:".length()));
      model = new CausalLm(profile, device, seed);
    } else {
      model = HfCheckpoints.load(Path.of(task.baseCheckpoint()), device);
    }
    try {
      LayerCheckpoints.apply(model, task.baseCheckpoints(), checkpoints);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /**
   * The hash that names a task's base model itself, before any layer checkpoint:
   * {@code sha256("base:<profile>:<base checkpoint>")}. Rounds declare it as a layer's base until
   * the layer has a head on chain.
   *
   * @param profile the model profile name
   * @param baseCheckpoint {@code random:<seed>} or the checkpoint's name
   * @return the hash
   */
  public static ContentHash seedBaseHash(String profile, String baseCheckpoint) {
    return ContentHash.sha256(("base:" + profile + ":" + baseCheckpoint).getBytes(StandardCharsets.UTF_8));
  }

  private static ContentHash baseHash(TrainingTask task) {
    if (!task.baseHash().isEmpty()) {
      return ContentHash.parse(task.baseHash());
    }
    return seedBaseHash(task.profile(), task.baseCheckpoint());
  }

  /**
   * The task's tokenizer: the byte tokenizer, or a tokenizer.json.
   *
   * @param task the task
   * @param profile its profile (vocabulary size, EOS)
   * @return the tokenizer
   * @throws IOException if tokenizer.json cannot be read
   */
  public static Tokenizer tokenizer(TrainingTask task, ModelProfile profile) throws IOException {
    if (task.tokenizer().equals("bytes")) {
      return new ByteTokenizer(profile.vocabSize());
    }
    Path file = Path.of(task.tokenizer());
    return profile.eosTokenIds() == null || profile.eosTokenIds().isEmpty()
        ? new HfTokenizer(file, profile.vocabSize(), "</s>")
        : new HfTokenizer(file, profile.vocabSize(), profile.eosTokenIds().get(0));
  }

  /**
   * Loads a task's dataset: {@code europarl[:maxDocs]}, a .txt or a .jsonl file.
   *
   * @param dataset the task's dataset field
   * @return the corpus
   * @throws IOException if it cannot be read
   */
  public static Corpus loadCorpus(String dataset) throws IOException {
    if (HashedDatasets.isHashSpec(dataset)) {
      throw new IOException("dataset " + dataset + " is addressed by hash and needs a blob source (the delta store)");
    }
    if (dataset.equals("europarl") || dataset.startsWith("europarl:")) {
      int max = dataset.contains(":") ? Integer.parseInt(dataset.substring(dataset.indexOf(':') + 1)) : 0;
      return Corpus.europarl(max);
    }
    Path p = Path.of(dataset);
    if (!Files.isRegularFile(p)) {
      throw new IOException("dataset " + dataset + " not found");
    }
    return p.toString().endsWith(".jsonl") ? Corpus.fromJsonl(p, "text") : Corpus.fromText(p);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }
}
