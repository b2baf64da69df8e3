package io.deltachain.launcher.pipeline;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.LoraConfig;
import io.deltachain.trainer.pipeline.LocalJvmStageLauncher;
import io.deltachain.trainer.pipeline.PipelineCoordinator;
import io.deltachain.trainer.pipeline.PipelineLayout;
import io.deltachain.trainer.pipeline.PipelineRun;
import io.deltachain.trainer.pipeline.RemoteStageLauncher;
import io.deltachain.trainer.pipeline.StageLauncher;
import io.deltachain.trainer.pipeline.StageToken;
import io.deltachain.trainer.pipeline.proto.Schedule;
import io.deltachain.trainer.train.TrainingConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deltachain pipeline train}: drives one pipeline-parallel run ({@link PipelineCoordinator})
 * against stage endpoints ({@code --stages}; the ones beyond the spans are spares) or against
 * {@code --local N} stage JVMs it starts itself. Spans come from the round planner's plan
 * ({@code --plan}), from {@code --spans}, or are even. Prints one line per optimizer step (loss,
 * tokens/s, bubble), one per stage failure survived, then writes each stage's deltas (with its
 * activation record in their metadata) under {@code --out}, uploads them with {@code --store-url},
 * and writes {@code summary.json}. Exit codes: 0 done, 1 the run failed, 2 bad arguments.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train one model split into layer spans across stage processes (GPipe schedule), print loss,"
        + " tokens/s and bubble per step, write each stage's deltas and optionally upload them to a delta store."
        + " See docs/trainer.md (Pipeline parallelism).")
public final class PipelineTrainCommand implements Callable<Integer> {
  /** Format name of summary.json. */
  public static final String SUMMARY_FORMAT = "deltachain-pipeline-train-summary";
  /** Where {@code --keep-checkpoints} keeps them, under {@code --out}: stage-k/checkpoint-STEP.zip. */
  static final String KEPT_CHECKPOINTS = "stage-checkpoints";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--stages", split = ",", paramLabel = "HOST:PORT",
      description = "stage endpoints (deltachain node --roles stage), in pipeline order; those beyond the number of"
          + " spans are spares that replace a stage that dies")
  List<String> stages;
  @Option(names = "--local", paramLabel = "N", description = "instead of --stages: start N stage JVMs on this machine")
  Integer local;
  @Option(names = "--stage-token-file", paramLabel = "FILE", description = "the file holding the stages' token"
      + " (stage.token of the --stages nodes); default: the environment variable DELTACHAIN_STAGE_TOKEN, if set."
      + " Stages started with --local need none")
  Path stageTokenFile;
  @Option(names = "--plan", paramLabel = "FILE", description = "the round planner's plan (its JSON document, or a"
      + " round service plan file holding it as 'document'): spans of --pipeline")
  Path plan;
  @Option(names = "--pipeline", defaultValue = "0", description = "which pipeline of --plan (default ${DEFAULT-VALUE})")
  int pipelineIndex;
  @Option(names = "--spans", split = ",", paramLabel = "FIRST-LAST",
      description = "layer spans of the stages, e.g. 0-1,2-3 (default: --plan's, else even over the stages)")
  List<String> spans;

  @Option(names = "--profile", description = "bundled model profile (default: the plan's model, else tiny-1m)")
  String profile;
  @Option(names = "--init-seed", defaultValue = "7",
      description = "the base model is the profile initialised from this seed (network.base-seed; default ${DEFAULT-VALUE})")
  int initSeed;
  @Option(names = "--base-checkpoint", paramLabel = "DIR",
      description = "instead: a Hugging Face checkpoint directory, at this path on every stage's machine")
  String baseCheckpoint;
  @Option(names = "--base-hash", description = "hash of the base named in the deltas (default: the trainer module's"
      + " name for the seed-initialised base)")
  String baseHash;
  @Option(names = "--mode", defaultValue = "full", description = "full or lora (default ${DEFAULT-VALUE})")
  String mode;
  @Option(names = "--lora-rank", defaultValue = "4")
  int loraRank;
  @Option(names = "--lora-alpha", defaultValue = "8")
  double loraAlpha;
  @Option(names = "--lora-dropout", defaultValue = "0")
  double loraDropout;

  @Option(names = "--dataset", defaultValue = "europarl:600",
      description = "europarl:N, a .jsonl (field text) or a text file (default ${DEFAULT-VALUE})")
  String dataset;
  @Option(names = "--data-seed", defaultValue = "20250501", description = "seed splitting and ordering the data")
  long dataSeed;
  @Option(names = "--shards", defaultValue = "1", description = "shards the dataset is split into")
  int shards;
  @Option(names = "--shard", defaultValue = "0", description = "the shard trained on")
  int shard;

  @Option(names = "--steps", defaultValue = "20", description = "optimizer steps (default ${DEFAULT-VALUE})")
  int steps;
  @Option(names = "--micro-batches", defaultValue = "4", description = "micro-batches per step (default ${DEFAULT-VALUE})")
  int microBatches;
  @Option(names = "--batch-size", defaultValue = "4", description = "sequences per micro-batch (default ${DEFAULT-VALUE})")
  int batchSize;
  @Option(names = "--seq-len", defaultValue = "64", description = "tokens per sequence (default ${DEFAULT-VALUE})")
  int sequenceLength;
  @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (default ${DEFAULT-VALUE})")
  double learningRate;
  @Option(names = "--min-lr", defaultValue = "1e-4", description = "final learning rate (default ${DEFAULT-VALUE})")
  double minLearningRate;
  @Option(names = "--warmup", defaultValue = "1", description = "warm-up steps (default ${DEFAULT-VALUE})")
  int warmup;
  @Option(names = "--seed", defaultValue = "1", description = "training seed (dropout, adapters; default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--schedule", defaultValue = "gpipe",
      description = "gpipe (every forward, then every backward) or 1f1b (stage k holds at most stages - k"
          + " micro-batches' activations); same losses (default ${DEFAULT-VALUE})")
  String schedule;
  @Option(names = "--keep-checkpoints", description = "keep every stage's checkpoints in --out/stage-checkpoints"
      + " (for pipeline check --step); by default they are deleted when the run ends")
  boolean keepCheckpoints;
  @Option(names = "--checkpoint-every", defaultValue = "5",
      description = "steps between coordinated stage checkpoints, 0 = only at step 0 (default ${DEFAULT-VALUE})")
  int checkpointEvery;
  @Option(names = "--max-recoveries", defaultValue = "2",
      description = "stage failures survived before giving up (default ${DEFAULT-VALUE})")
  int maxRecoveries;
  @Option(names = "--call-timeout", defaultValue = "60", description = "seconds per short call (default ${DEFAULT-VALUE})")
  int callTimeoutSeconds;
  @Option(names = "--step-timeout", defaultValue = "300",
      description = "seconds for one step's passes or one file transfer (default ${DEFAULT-VALUE})")
  int stepTimeoutSeconds;
  @Option(names = "--local-jvm-options", defaultValue = "-Xmx1g",
      description = "JVM options of --local stages, space separated (default ${DEFAULT-VALUE})")
  String localJvmOptions;

  @Option(names = "--out", defaultValue = "pipeline-out", description = "output directory (default ${DEFAULT-VALUE})")
  Path outDir;
  @Option(names = "--round-id", defaultValue = "0", description = "round named in the deltas")
  long roundId;
  @Option(names = "--trainer-ids", split = ",", description = "trainer named in each stage's deltas (default stage-<k>)")
  List<String> trainerIds;
  @Option(names = "--store-url", description = "upload every delta to this delta store (http://host:port)")
  String storeUrl;

  private PipelineCoordinator.Listener extra;

  /**
   * Adds hooks to the run's progress (for embedding the command, and tests that act at a given step).
   *
   * @param listener called after the command's own reporting
   * @return this
   */
  public PipelineTrainCommand listener(PipelineCoordinator.Listener listener) {
    this.extra = listener;
    return this;
  }

  /** Arguments that cannot work: exit status 2, the message names the problem. */
  static final class BadArguments extends Exception {
    BadArguments(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Setup setup;
    try {
      setup = setup();
    } catch (BadArguments | IllegalArgumentException e) {
      err.println("deltachain pipeline train: " + e.getMessage());
      err.flush();
      return 2;
    }
    try {
      return run(setup, out);
    } catch (PipelineCoordinator.PipelineException | io.deltachain.trainer.pipeline.StageClient.StageCallException
        | IOException e) {
      err.println("deltachain pipeline train: the run failed: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  /** Everything decided from the arguments before any process is touched. */
  private record Setup(PipelineRun run, PipelineLayout layout, List<RemoteStageLauncher.Endpoint> endpoints,
      String stageToken, PackedBatches data, Corpus corpus, ContentHash baseHash, List<String> trainerIds,
      Schedule schedule) {
  }

  /** The stages' token: from --stage-token-file, else DELTACHAIN_STAGE_TOKEN, else none. */
  private String stageToken() throws BadArguments {
    String token;
    String from;
    if (stageTokenFile != null) {
      try {
        token = Files.readString(stageTokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new BadArguments("--stage-token-file: cannot read " + stageTokenFile + ": " + e.getMessage());
      }
      from = "the token in " + stageTokenFile;
    } else {
      token = System.getenv("DELTACHAIN_STAGE_TOKEN");
      from = "DELTACHAIN_STAGE_TOKEN";
      if (token == null || token.isBlank()) {
        return null;
      }
      token = token.strip();
    }
    try {
      return StageToken.check(token, from);
    } catch (IllegalArgumentException e) {
      throw new BadArguments(e.getMessage());
    }
  }

  private Setup setup() throws BadArguments, IOException {
    if ((stages == null) == (local == null)) {
      throw new BadArguments("give either --stages HOST:PORT,... (running stages) or --local N (stages started here)");
    }
    JsonObject planDoc = null;
    if (plan != null) {
      if (spans != null) {
        throw new BadArguments("give --plan or --spans, not both");
      }
      try {
        JsonObject j = new JsonObject(Files.readString(plan, StandardCharsets.UTF_8));
        planDoc = j.containsKey("document") ? j.getJsonObject("document") : j;
      } catch (IOException | RuntimeException e) {
        throw new BadArguments("cannot read the plan " + plan + ": " + e.getMessage());
      }
    }
    String profileName = profile != null ? profile
        : planDoc != null && planDoc.getString("model") != null ? planDoc.getString("model") : "tiny-1m";
    ModelProfile model;
    try {
      model = ModelProfiles.bundled(profileName);
    } catch (IllegalArgumentException e) {
      throw new BadArguments("--profile: " + e.getMessage());
    }
    List<RemoteStageLauncher.Endpoint> endpoints = new ArrayList<>();
    if (stages != null) {
      for (String s : stages) {
        RemoteStageLauncher.Endpoint e = RemoteStageLauncher.Endpoint.parse(s);
        if (endpoints.contains(e)) {
          throw new BadArguments("stage endpoint " + e + " is listed twice in --stages");
        }
        endpoints.add(e);
      }
    } else if (local < 1) {
      throw new BadArguments("--local needs at least one stage, got " + local);
    }
    int available = stages != null ? endpoints.size() : local;
    PipelineLayout layout;
    if (planDoc != null) {
      layout = PipelineLayout.fromPlan(planDoc, pipelineIndex);
    } else if (spans != null) {
      List<LayerRange> ranges = new ArrayList<>();
      for (String s : spans) {
        ranges.add(parseSpan(s));
      }
      layout = new PipelineLayout(model.numLayers(), ranges);
    } else {
      layout = PipelineLayout.even(model, available);
    }
    if (layout.numLayers() != model.numLayers()) {
      throw new BadArguments("the spans cover " + layout.numLayers() + " layers but " + profileName + " has "
          + model.numLayers());
    }
    if (stages != null && endpoints.size() < layout.stages()) {
      throw new BadArguments(layout.stages() + " spans " + layout.spans() + " need at least " + layout.stages()
          + " stage endpoints, got " + endpoints.size());
    }
    if (local != null && local != layout.stages()) {
      throw new BadArguments("--local " + local + " but the spans " + layout.spans() + " make " + layout.stages()
          + " stages");
    }
    TrainingMode trainingMode;
    try {
      trainingMode = TrainingMode.valueOf(mode.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadArguments("--mode must be full or lora, got '" + mode + "'");
    }
    Schedule sched = switch (schedule.strip().toLowerCase(Locale.ROOT)) {
      case "gpipe" -> Schedule.GPIPE;
      case "1f1b" -> Schedule.ONE_F_ONE_B;
      default -> throw new BadArguments("--schedule must be gpipe or 1f1b, got '" + schedule + "'");
    };
    if (steps < 1 || microBatches < 1 || batchSize < 1 || sequenceLength < 1) {
      throw new BadArguments("--steps, --micro-batches, --batch-size and --seq-len must be positive");
    }
    if (checkpointEvery < 0 || maxRecoveries < 0 || callTimeoutSeconds < 1 || stepTimeoutSeconds < 1) {
      throw new BadArguments("--checkpoint-every and --max-recoveries must not be negative, timeouts positive");
    }
    TrainingConfig.Builder b = TrainingConfig.builder().setMode(trainingMode).setSteps(steps)
        .optBatch(batchSize, sequenceLength).optGradientAccumulation(microBatches)
        .optLearningRate(learningRate, minLearningRate, warmup).optSeed(seed);
    if (trainingMode == TrainingMode.LORA) {
      LoraConfig all = LoraConfig.allLinear(loraRank, loraAlpha);
      b.optLora(new LoraConfig(loraRank, loraAlpha, loraDropout, all.targetModules()))
          // stages reseed dropout per layer; a single-process twin of this run does so only with this flag
          .optActivationCheckpointing(loraDropout > 0);
    }
    PipelineRun run = new PipelineRun(profileName, initSeed, baseCheckpoint, b.build());
    List<String> ids = new ArrayList<>();
    if (trainerIds != null) {
      if (trainerIds.size() != layout.stages()) {
        throw new BadArguments("--trainer-ids names " + trainerIds.size() + " trainers for " + layout.stages()
            + " stages");
      }
      ids.addAll(trainerIds);
    } else {
      for (int k = 0; k < layout.stages(); k++) {
        ids.add("stage-" + k);
      }
    }
    if (storeUrl != null && !storeUrl.startsWith("http://")) {
      throw new BadArguments("--store-url must be http://host:port, got " + storeUrl);
    }
    ContentHash base;
    if (baseHash != null) {
      base = ContentHash.parse(baseHash);
    } else {
      // the trainer module's name for a base (TrainingJob.baseHash): sha256("base:<profile>:<checkpoint>")
      String checkpoint = baseCheckpoint != null ? baseCheckpoint : "random:" + initSeed;
      base = ContentHash.sha256(("base:" + profileName + ":" + checkpoint).getBytes(StandardCharsets.UTF_8));
    }
    Corpus corpus = PipelineData.corpus(dataset);
    PackedBatches data = PipelineData.shard(corpus, dataSeed, shards, shard, batchSize, sequenceLength,
        model.vocabSize());
    return new Setup(run, layout, endpoints, stages != null ? stageToken() : null, data, corpus, base, ids, sched);
  }

  private static LayerRange parseSpan(String s) throws BadArguments {
    String t = s.strip();
    int dash = t.indexOf('-');
    try {
      int first = Integer.parseInt(dash < 0 ? t : t.substring(0, dash));
      int last = dash < 0 ? first : Integer.parseInt(t.substring(dash + 1));
      return new LayerRange(first, last);
    } catch (RuntimeException e) {
      throw new BadArguments("span '" + s + "' is not FIRST-LAST (e.g. 0-1) or one layer: " + e.getMessage());
    }
  }

  private int run(Setup s, PrintWriter out) throws IOException {
    PipelineLayout layout = s.layout();
    Files.createDirectories(outDir);
    Path checkpoints = outDir.resolve("checkpoints");
    Vertx vertx = Vertx.vertx();
    RemoteStageLauncher remote = null;
    try {
      StageLauncher launcher;
      if (local != null) {
        launcher = LocalJvmStageLauncher.sameClasspath(localJvmOptions.isBlank() ? new String[0]
            : localJvmOptions.strip().split("\\s+"));
      } else {
        remote = new RemoteStageLauncher(vertx, s.endpoints(), Duration.ofSeconds(Math.min(callTimeoutSeconds, 10)),
            s.stageToken());
        launcher = remote;
      }
      PipelineCoordinator.Options options = new PipelineCoordinator.Options(Duration.ofSeconds(callTimeoutSeconds),
          Duration.ofSeconds(stepTimeoutSeconds), checkpointEvery, checkpoints, maxRecoveries, s.schedule());
      TrainingConfig t = s.run().training();
      say(out, "%s %s, %d layers in %d stages %s, %s; %d steps of %d micro-batches x %d x %d tokens; data %s shard"
          + " %d/%d", s.run().profile(), t.mode().name().toLowerCase(Locale.ROOT), layout.numLayers(), layout.stages(),
          layout.spans(), s.schedule() == Schedule.GPIPE ? "GPipe" : "1F1B", t.steps(), s.run().microBatches(),
          t.batchSize(), t.sequenceLength(), dataset, shard, shards);
      if (remote != null && s.endpoints().size() > layout.stages()) {
        say(out, "spares: %s", s.endpoints().subList(layout.stages(), s.endpoints().size()));
      }
      JsonArray stepsJson = new JsonArray();
      JsonArray recoveriesJson = new JsonArray();
      PipelineCoordinator.Result result;
      List<PipelineCoordinator.StageOutput> outputs;
      List<String> finalEndpoints = new ArrayList<>();
      try (PipelineCoordinator c = new PipelineCoordinator(vertx, s.run(), layout, launcher, options)) {
        c.start();
        for (int k = 0; k < layout.stages(); k++) {
          say(out, "stage %d: layers %s on %s:%d", k, layout.span(k), c.process(k).host(), c.process(k).port());
        }
        result = c.train(s.data(), new PipelineCoordinator.Listener() {
          @Override
          public void stepSent(long step) {
            if (extra != null) {
              extra.stepSent(step);
            }
          }

          @Override
          public void stepDone(PipelineCoordinator.StepRecord r) {
            double seconds = (r.passNanos() + r.applyNanos()) / 1e9;
            double bubble = bubble(r);
            say(out, "step %d/%d loss %.6f tokens/s %.1f bubble %.3f", r.step() + 1, t.steps(), r.loss(),
                r.tokens() / seconds, bubble);
            if (extra != null) {
              extra.stepDone(r);
            }
          }

          @Override
          public void recovered(PipelineCoordinator.Recovery r) {
            List<String> now = r.replacedStages().stream()
                .map(k -> "stage " + k + " -> " + c.process(k).host() + ":" + c.process(k).port()).toList();
            say(out, "step %d failed (%s); replaced %s; every stage restored the checkpoint of step %d, %d steps"
                + " redone (recovery took %.1f s)", r.failedStep() + 1, r.cause(), now, r.resumedFromStep(),
                r.lostSteps(), r.recoveryNanos() / 1e9);
            recoveriesJson.add(new JsonObject().put("failed_step", r.failedStep())
                .put("replaced_stages", new JsonArray(new ArrayList<>(r.replacedStages())))
                .put("replacements", new JsonArray(new ArrayList<>(now)))
                .put("resumed_from_step", r.resumedFromStep()).put("lost_steps", r.lostSteps())
                .put("cause", r.cause()));
            if (extra != null) {
              extra.recovered(r);
            }
          }

          @Override
          public void checkpointTaken(long step, List<Path> archives) {
            if (keepCheckpoints) {
              try {
                for (int k = 0; k < archives.size(); k++) {
                  Path kept = outDir.resolve(KEPT_CHECKPOINTS).resolve("stage-" + k)
                      .resolve(archives.get(k).getFileName());
                  Files.createDirectories(kept.getParent());
                  Files.copy(archives.get(k), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException("keeping the checkpoints of step " + step + ": "
                    + e.getMessage(), e);
              }
              say(out, "kept the checkpoints of step %d in %s", step, outDir.resolve(KEPT_CHECKPOINTS));
            }
          }
        });
        for (PipelineCoordinator.StepRecord r : result.steps()) {
          stepsJson.add(new JsonObject().put("step", r.step()).put("loss", r.loss()).put("tokens", r.tokens())
              .put("tokens_per_second", r.tokens() / ((r.passNanos() + r.applyNanos()) / 1e9))
              .put("bubble", bubble(r)).put("global_norm", r.globalNorm())
              .put("held", new JsonArray(java.util.Arrays.stream(r.peakHeld()).boxed().toList())));
        }
        outputs = c.finish(outDir, roundId, s.trainerIds(), s.baseHash());
        for (int k = 0; k < layout.stages(); k++) {
          finalEndpoints.add(c.process(k).host() + ":" + c.process(k).port());
        }
      }
      int skip = result.steps().size() > 1 ? 1 : 0;
      say(out, "done: %d steps, %.1f tokens/s and bubble %.3f over steps %d-%d, %d stage failures survived",
          result.steps().size(), result.tokensPerSecond(skip), result.bubbleFraction(skip), skip + 1,
          result.steps().size(), result.recoveries().size());
      JsonArray stagesJson = new JsonArray();
      DeltaStoreClient store = storeUrl == null ? null : new DeltaStoreClient(vertx, storeUrl);
      for (PipelineCoordinator.StageOutput o : outputs) {
        JsonArray deltas = new JsonArray();
        for (PipelineCoordinator.DeltaOutput d : o.deltas()) {
          JsonObject dj = new JsonObject().put("layer", d.layer()).put("file", outDir.relativize(d.file()).toString())
              .put("sha256", d.sha256()).put("bytes", d.bytes());
          String where = "";
          if (store != null) {
            io.deltachain.store.client.Uploaded u = await(store.upload(d.file(), ContentHash.parse(d.sha256())), stepTimeoutSeconds);
            dj.put("store_hash", u.hash().hex()).put("cid", u.cid());
            where = ", uploaded: " + u.hash().hex() + (u.cid() == null ? "" : " cid " + u.cid());
          }
          deltas.add(dj);
          say(out, "stage %d delta %s: %s (%d bytes, sha256 %s%s)", o.stage(), d.layer(), d.file(), d.bytes(),
              d.sha256(), where);
        }
        stagesJson.add(new JsonObject().put("stage", o.stage()).put("layers", o.span().toString())
            .put("endpoint", finalEndpoints.get(o.stage())).put("trainer_id", s.trainerIds().get(o.stage()))
            .put("activation_record", outDir.relativize(o.activationRecord()).toString())
            .put("activation_record_sha256", o.activationRecordSha256()).put("deltas", deltas));
      }
      if (store != null) {
        await(store.close(), 30);
        say(out, "every delta is in the delta store at %s", storeUrl);
      }
      JsonObject summary = new JsonObject().put("format", SUMMARY_FORMAT).put("version", 1)
          .put("run", s.run().toJson())
          .put("schedule", s.schedule() == Schedule.GPIPE ? "gpipe" : "1f1b")
          .put("layout", new JsonObject().put("num_layers", layout.numLayers())
              .put("spans", new JsonArray(layout.spans().stream().map(Object::toString).toList())))
          .put("data", new JsonObject().put("dataset", dataset).put("corpus_sha256", s.corpus().hash().hex())
              .put("data_seed", dataSeed).put("shards", shards).put("shard", shard)
              .put("fingerprint", PipelineData.shard(s.corpus(), dataSeed, shards, shard, batchSize, sequenceLength,
                  s.run().modelProfile().vocabSize()).fingerprint()))
          .put("base_hash", s.baseHash().hex()).put("round_id", roundId)
          .put("steps", stepsJson).put("recoveries", recoveriesJson).put("stages", stagesJson)
          .put("tokens_per_second", result.tokensPerSecond(skip)).put("bubble", result.bubbleFraction(skip));
      Path summaryFile = outDir.resolve("summary.json");
      Files.writeString(summaryFile, summary.encodePrettily(), StandardCharsets.UTF_8);
      deleteRecursively(checkpoints);
      say(out, "summary: %s", summaryFile);
      return 0;
    } finally {
      if (remote != null) {
        remote.close();
      }
      await(vertx.close(), 30);
    }
  }

  private static double bubble(PipelineCoordinator.StepRecord r) {
    double busy = 0;
    for (long b : r.busyNanos()) {
      busy += b;
    }
    return 1 - busy / ((double) r.passNanos() * r.busyNanos().length);
  }

  private static void say(PrintWriter out, String fmt, Object... args) {
    out.printf(Locale.ROOT, "[pipeline] " + fmt + "%n", args);
    out.flush();
  }

  private static <T> T await(Future<T> f, int seconds) throws IOException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("no answer within " + seconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
