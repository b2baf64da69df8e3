package io.deltachain.launcher.demo;

import static io.deltachain.launcher.demo.Devnet.await;
import static io.deltachain.launcher.demo.Devnet.awaitTrue;
import static io.deltachain.launcher.demo.Devnet.commit;

import ai.djl.Device;
import com.google.protobuf.ByteString;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.TxLimits;
import io.deltachain.launcher.demo.Devnet.TrainerNode;
import io.deltachain.launcher.demo.Devnet.ValidatorNode;
import io.deltachain.round.cost.CostLedger;
import io.deltachain.round.cost.GpuPrices;
import io.deltachain.round.cost.RoundCost;
import io.deltachain.store.client.Uploaded;
import io.deltachain.trainer.service.TrainerAddresses;
import io.deltachain.trainer.task.JobResult;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import io.deltachain.validator.aggregate.CheckpointFiles;
import io.deltachain.validator.aggregate.LayerAggregation;
import io.deltachain.validator.aggregate.RobustAggregator;
import io.deltachain.validator.delta.DeltaFiles;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.replay.ReplayOutcome;
import io.deltachain.validator.verdict.DataSplit;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One LoRA round on a running {@link Devnet}, every step real: the coordinator commits a
 * StartRound with one assignment per trainer; honest trainers get their task offers over the
 * clustered event bus and train, upload and submit through their TrainerVerticles; the poisoning
 * trainer trains the same way, then flips the sign of its delta and scales it before submitting;
 * the validator services judge each committed delta and vote; every validator aggregates the
 * accepted deltas, validator 0 proposes the checkpoint, the others vote for the hash they computed;
 * the coordinator finalizes. The result is what a user sees in the final table.
 */
public final class DemoRound {
  /** The layer trained in the demo round. */
  public static final int LAYER_INDEX = 1;
  /** LoRA targets of the demo round. */
  public static final List<String> TARGETS = List.of("q_proj", "v_proj");
  /** How the poisoned delta is made from a trained one: lora_B times this (sign flip and scale). */
  public static final float POISON_FACTOR = -8f;

  /**
   * One delta as decided on chain, with its replay spot-checks.
   *
   * @param spotChecks each validator's spot-check outcome: {@code MATCH ...} or the failure and reason
   * @param disputes Dispute transactions recorded on chain against the delta
   */
  public record DeltaOutcome(String trainer, boolean poisoned, String deltaId, String status, List<String> reasons,
      long approvePower, long rejectPower, List<String> spotChecks, int disputes) {
    /** Whether every validator's spot-check matched. */
    public boolean spotChecksPassed() {
      return !spotChecks.isEmpty() && spotChecks.stream().allMatch(c -> c.startsWith("MATCH"));
    }
  }

  /** What the round produced. */
  public record Result(String roundId, String layer, double evalLossBefore, double evalLossAfter,
      List<DeltaOutcome> deltas, String baseHash, String baseCid, String checkpointHash, String checkpointCid,
      Map<Integer, String> headByNode, Map<Integer, String> appHashByNode, long appHashHeight, long height, String roundStatus, RoundCost cost,
      double seconds) {}

  private final Devnet net;
  private final PrintStream out;
  private final String roundId;
  private final int steps;

  /** A round with id {@code roundId} (a number: trainers carry it as one) of {@code steps} optimizer steps. */
  public DemoRound(Devnet net, PrintStream out, long roundId, int steps) {
    this.net = net;
    this.out = out;
    this.roundId = Long.toString(roundId);
    this.steps = steps;
  }

  private void say(String fmt, Object... args) {
    out.printf("[round %s] " + fmt + "%n", prepend(roundId, args));
    out.flush();
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /** Runs the round to FINALIZED and returns the outcome. */
  public Result run() throws Exception {
    long t0 = System.nanoTime();
    Devnet.Settings s = net.settings();
    String layer = "model.layers." + LAYER_INDEX;
    CostLedger costs = new CostLedger(GpuPrices.defaults(), 30L * 24 * 3600);
    ChainClient chain = net.coordinatorChain();
    ValidatorNode v0 = net.validators().get(0);

    // The base checkpoint of the layer: the bundled profile's weights from its seed, written as a
    // checkpoint file whose hash the round names as the layer's base.
    Path work = Files.createDirectories(net.dir().resolve("round-" + roundId));
    SortedMap<String, DenseTensor> base = v0.model().baseWeights(layer);
    Path baseFile = work.resolve("base-" + layer + ".safetensors");
    ContentHash baseHash = CheckpointFiles.write(baseFile, base, new TreeMap<>(Map.of("deltachain.layer", layer,
        "deltachain.model", s.profile() + " random:" + s.baseSeed())));
    Uploaded baseUp = await(v0.store().upload(baseFile, baseHash), 60);
    costs.recordStored(roundId, baseUp.size());
    say("base checkpoint of %s: %s (%d bytes in the delta store, CID %s)", layer, baseHash.hex(), baseUp.size(),
        baseUp.cid() == null ? "none: local store only" : baseUp.cid());

    DataSplit evalSet = new DataSplit.EvalSet(s.roundSeed());
    double before = v0.model().baseLoss(evalSet);
    say("evaluation set: %d held-out Europarl batches of %dx%d tokens, fixed by seed %d; base loss %.4f",
        s.evalBatches(), s.batchSize(), s.sequenceLength(), s.roundSeed(), before);

    StartRound.Builder start = StartRound.newBuilder().setRoundId(roundId).setModelId(s.profile())
        .setEvalSeed(s.roundSeed())
        .setEvalSetHash(ByteString.copyFrom(ContentHash.sha256(("heldout:" + net.corpus().hash().hex() + ":" + s.roundSeed())
            .getBytes(StandardCharsets.UTF_8)).bytes()))
        .setDatasetHash(ByteString.copyFrom(net.corpus().hash().bytes())).setShardCount(s.trainers())
        .setTrainingBlocks(100_000).setValidationBlocks(100_000).setAggregation(AggregationMethod.WEIGHTED_MEAN)
        .setByzantineF(0).setMaxNormRatioPpm(2_000_000).putBaseCheckpoints(layer, ByteString.copyFrom(baseHash.bytes()));
    for (TrainerNode t : net.trainers()) {
      start.addAssignments(Assignment.newBuilder().setTrainerAddress(ByteString.copyFrom(t.key().address()))
          .setFirstLayer(LAYER_INDEX).setLastLayer(LAYER_INDEX).setMode(io.deltachain.core.tx.proto.TrainingMode.LORA)
          .setLoraRank(4).addAllTargetModules(TARGETS).setShardIndex(t.index()).setPrecision("fp32"));
    }
    // The round's training settings, published for the validators' replay spot-checks (StartRound
    // carries the assignments, seeds and dataset hash, not steps or hyperparameters).
    net.replayTasks().register(roundId, task(s, net.trainers().get(0), baseHash));
    StartRound startRound = start.setPlanHash(ByteString.copyFrom(ContentHash.sha256(start.build().toByteArray()).bytes())).build();
    long startHeight = commit(chain, net.coordinator().startRound(startRound)).height();
    say("StartRound committed at height %d: %d trainers, layer %s, LoRA rank 4 on %s, %d steps each",
        startHeight, s.trainers(), layer, TARGETS, steps);

    Map<String, String> trainerOfDelta = new LinkedHashMap<>();
    for (TrainerNode t : net.trainers()) {
      TrainingTask task = task(s, t, baseHash);
      long trainStart = System.nanoTime();
      JsonObject done = t.poisoned() ? trainPoisoned(t, task, costs) : offer(t, task);
      costs.recordGpuTime(roundId, "cpu", (System.nanoTime() - trainStart) / 1_000_000);
      say("%s finished: %s", t.moniker(), done.encode());
      // PyTorch training and evaluation in one JVM at once turned the training loss into NaN on
      // this setup, so in the one-JVM demo each delta is judged before the next trainer starts
      // (separate processes, as in a real deployment, have no such constraint): every validator
      // must have sent its verdict, not only the 2/3 that decide.
      int submitted = net.trainers().indexOf(t) + 1;
      awaitTrue(Duration.ofSeconds(240), "every validator's verdicts on the first " + submitted + " deltas",
          () -> net.validators().stream().allMatch(v -> v.sink().verdictsSent() >= submitted));
      // and its replay spot-checks (a re-execution is training too)
      awaitTrue(Duration.ofSeconds(240), "every validator's spot-checks of the first " + submitted + " deltas",
          () -> net.validators().stream().allMatch(v -> v.disputes().finished() >= submitted));
    }

    // The round's deltas on chain, then their verdicts.
    awaitTrue(Duration.ofSeconds(60), "all " + s.trainers() + " deltas committed",
        () -> query(chain, "/round/" + roundId).getJsonArray("deltas").size() >= s.trainers());
    List<String> ids = new ArrayList<>();
    query(chain, "/round/" + roundId).getJsonArray("deltas").forEach(o -> ids.add((String) o));
    say("%d SubmitDelta transactions committed; validators judging...", ids.size());
    awaitTrue(Duration.ofSeconds(240), "verdicts on every delta", () -> ids.stream()
        .allMatch(id -> !query(chain, "/delta/" + id).getString("status").equals("PENDING")));
    List<DeltaOutcome> outcomes = new ArrayList<>();
    List<JsonObject> accepted = new ArrayList<>();
    for (String id : ids) {
      JsonObject d = query(chain, "/delta/" + id);
      TrainerNode t = net.trainers().stream().filter(x -> x.key().addressHex().equals(d.getString("trainer")))
          .findFirst().orElseThrow();
      List<String> reasons = new ArrayList<>();
      for (Object v : d.getJsonArray("verdicts", new JsonArray())) {
        for (Object r : ((JsonObject) v).getJsonArray("reason_codes")) {
          if (!reasons.contains((String) r)) {
            reasons.add((String) r);
          }
        }
      }
      say("delta %s by %s: %s (approve power %d, reject power %d)%s", id.substring(0, 12), t.moniker(),
          d.getString("status"), d.getLong("approve_power"), d.getLong("reject_power"),
          reasons.isEmpty() ? "" : " reasons " + reasons);
      List<String> checks = new ArrayList<>();
      for (ValidatorNode v : net.validators()) {
        ReplayOutcome o = v.disputes().outcome(id);
        String line = o == null ? "NOT CHECKED " + v.disputes().notChecked(id)
            : o.matched() ? "MATCH " + o.detail() : o.detail();
        checks.add(line);
        say("  spot-check by validator-%d: %s", v.index(), line);
      }
      long expected = net.validators().stream().map(v -> v.disputes().outcome(id)).filter(o -> o != null && !o.matched()).count();
      awaitTrue(Duration.ofSeconds(60), expected + " disputes against delta " + id.substring(0, 12) + " on chain",
          () -> query(chain, "/delta/" + id).getJsonArray("disputes", new JsonArray()).size() >= expected);
      int disputes = query(chain, "/delta/" + id).getJsonArray("disputes", new JsonArray()).size();
      if (disputes > 0) {
        say("  %d Dispute transactions on chain against delta %s (layer %s)", disputes, id.substring(0, 12), layer);
      }
      outcomes.add(new DeltaOutcome(t.moniker(), t.poisoned(), id, d.getString("status"), reasons,
          d.getLong("approve_power"), d.getLong("reject_power"), checks, disputes));
      if (d.getString("status").equals("ACCEPTED")) {
        accepted.add(d);
      }
    }
    outcomes.sort(Comparator.comparing(DeltaOutcome::trainer));
    if (accepted.isEmpty()) {
      throw new IllegalStateException("no delta was accepted; nothing to aggregate");
    }
    accepted.sort(Comparator.<JsonObject>comparingLong(d -> d.getLong("submitted_height")).thenComparing(d -> d.getString("id")));

    // Every validator aggregates the accepted deltas itself; validator 0 proposes, the others vote
    // for the hash they computed.
    String checkpointHex = null;
    String cid = "";
    for (ValidatorNode v : net.validators()) {
      List<LayerAggregation.AcceptedDelta> in = new ArrayList<>();
      for (JsonObject d : accepted) {
        Path f = work.resolve("v" + v.index() + "-" + d.getString("id") + ".safetensors");
        await(v.store().download(ContentHash.parse(d.getString("content_hash")), d.getString("cid", ""), f), 60);
        costs.recordTransferred(roundId, Files.size(f));
        in.add(new LayerAggregation.AcceptedDelta(HexFormat.of().parseHex(d.getString("id")), dense(layer, DeltaFile.read(f)),
            Long.parseLong(d.getString("tokens"))));
      }
      LayerAggregation.Proposal p = new LayerAggregation(new RobustAggregator()).run(roundId, layer, baseHash,
          v.model().baseWeights(layer), in, LayerAggregation.spec(AggregationMethod.WEIGHTED_MEAN, 0),
          work.resolve("checkpoint-v" + v.index() + ".safetensors"));
      TxSigner signer = v.signer();
      byte[] tx;
      if (v.index() == 0) {
        Uploaded up = await(v.store().upload(p.file(), p.hash()), 60);
        costs.recordStored(roundId, up.size());
        cid = up.cid() == null ? "" : up.cid();
        checkpointHex = p.hash().hex();
        synchronized (signer) {
          tx = signer.proposeCheckpoint(p.body().toBuilder().setCid(cid).build());
        }
        say("validator-0 aggregated %d accepted deltas (weighted mean by tokens): checkpoint %s (CID %s), proposed",
            in.size(), checkpointHex, cid.isEmpty() ? "none: local store only" : cid);
      } else {
        synchronized (signer) {
          tx = signer.checkpointVote(roundId, layer, p.hash().bytes());
        }
        say("validator-%d computed checkpoint %s (%s), votes for it", v.index(), p.hash().hex(),
            p.hash().hex().equals(checkpointHex) ? "identical" : "DIFFERENT");
      }
      ChainClient.CommitResult r = await(v.chain().broadcastTxCommit(tx), 60);
      if (r.checkTx().code() != 0 || r.txCode() != 0) {
        say("validator-%d's checkpoint transaction did not apply: %s%s", v.index(), r.checkTx().log(), r.txLog());
      }
      String head = headOf(chain, layer);
      if (checkpointHex.equals(head)) {
        say("checkpoint accepted by more than 2/3 of the voting power: head of %s moved", layer);
        break;
      }
    }
    String finalHead = checkpointHex;
    Map<Integer, String> heads = new TreeMap<>();
    for (ValidatorNode v : net.validators()) {
      awaitTrue(Duration.ofSeconds(30), "the new head on validator-" + v.index(), () -> finalHead.equals(headOf(v.chain(), layer)));
      heads.put(v.index(), headOf(v.chain(), layer));
    }
    long finalized = commit(chain, net.coordinator().finalizeRound(roundId, "demo round complete")).height();
    String status = query(chain, "/round/" + roundId).getString("status");
    say("FinalizeRound committed at height %d: round %s", finalized, status);

    // Loss of the new checkpoint on the same evaluation set.
    SortedMap<String, DenseTensor> ckpt = CheckpointFiles.readTensors(work.resolve("checkpoint-v0.safetensors"));
    SortedMap<String, DenseTensor> diff = new TreeMap<>();
    for (Map.Entry<String, DenseTensor> e : ckpt.entrySet()) {
      float[] b = base.get(e.getKey()).values();
      float[] c = e.getValue().values();
      float[] d = new float[c.length];
      for (int i = 0; i < c.length; i++) {
        d[i] = c[i] - b[i];
      }
      diff.put(e.getKey(), new DenseTensor(e.getValue().shape(), d));
    }
    double after = v0.model().lossWithDelta(new LayerDelta(layer, diff), evalSet);

    // Every node's app hash at one common height.
    long h = Long.MAX_VALUE;
    for (ValidatorNode v : net.validators()) {
      h = Math.min(h, await(v.chain().status(), 30).latestHeight());
    }
    Map<Integer, String> appHashes = new TreeMap<>();
    for (ValidatorNode v : net.validators()) {
      appHashes.put(v.index(), await(v.chain().headerAppHash(h), 30));
    }
    long height = await(chain.status(), 30).latestHeight();
    return new Result(roundId, layer, before, after, outcomes, baseHash.hex(), baseUp.cid() == null ? "" : baseUp.cid(),
        checkpointHex, cid, heads, appHashes, h,
        height, status, costs.cost(roundId), (System.nanoTime() - t0) / 1e9);
  }

  /** The task of one trainer in this round. */
  private TrainingTask task(Devnet.Settings s, TrainerNode t, ContentHash baseHash) {
    return new TrainingTask("round" + roundId + "-" + t.moniker(), Long.parseLong(roundId), s.profile(),
        "random:" + s.baseSeed(), baseHash.hex(), TrainingMode.LORA, LAYER_INDEX, LAYER_INDEX, 4, 8, TARGETS,
        "europarl:" + s.corpusDocuments(), "bytes", net.corpus().hash().hex(), s.roundSeed(), t.index(), s.trainers(),
        steps, s.batchSize(), s.sequenceLength(), 3e-3, "fp32");
  }

  private static LayerDelta dense(String layer, DeltaFile file) {
    SortedMap<String, DenseTensor> t = new TreeMap<>();
    DeltaFiles.loraFactors(file).forEach((k, v) -> t.put(k, v.toDense()));
    return new LayerDelta(layer, t);
  }

  private static JsonObject query(ChainClient c, String path) {
    return await(c.queryJson(path), 30);
  }

  private static String headOf(ChainClient c, String layer) {
    ChainClient.QueryResult r = await(c.abciQuery("/layer/" + layer + "/head", null), 30);
    return r.code() == 0 ? r.json().getString("head") : null;
  }

  /** Offers the task to an honest TrainerVerticle over the event bus and waits for its completion event. */
  private JsonObject offer(TrainerNode t, TrainingTask task) {
    CompletableFuture<JsonObject> done = new CompletableFuture<>();
    var bus = net.coordinatorVertx().eventBus();
    MessageConsumer<JsonObject> ok = bus.consumer(TrainerAddresses.COMPLETED, m -> {
      if (task.taskId().equals(m.body().getString("taskId"))) {
        done.complete(m.body());
      }
    });
    MessageConsumer<JsonObject> failed = bus.consumer(TrainerAddresses.FAILED, m -> {
      if (task.taskId().equals(m.body().getString("taskId"))) {
        done.completeExceptionally(new IllegalStateException(t.moniker() + " failed: " + m.body().getString("reason")));
      }
    });
    MessageConsumer<JsonObject> progress = bus.consumer(TrainerAddresses.PROGRESS, m -> {
      JsonObject p = m.body();
      if (task.taskId().equals(p.getString("taskId")) && (String.valueOf(p.getValue("step")).matches("\\d*0"))) {
        say("%s step %s/%d loss %s", t.moniker(), p.getValue("step"), steps, p.getValue("loss"));
      }
    });
    try {
      await(ok.completion().compose(x -> failed.completion()).compose(x -> progress.completion()), 30);
      JsonObject reply = await(bus.<JsonObject>request(TrainerAddresses.taskOffer(t.key().addressHex()), task.toJson(),
          new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000)), 40).body();
      say("task offer to %s over the clustered event bus: %s", t.moniker(), reply.encode());
      return done.get(600, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(t.moniker() + ": " + e.getMessage(), e);
    } finally {
      ok.unregister();
      failed.unregister();
      progress.unregister();
    }
  }

  /**
   * The poisoning trainer: trains its task for real, then multiplies every lora_B by
   * {@link #POISON_FACTOR} (the dense update B*A flips sign and grows), and submits the result as
   * its delta, signed with its own key, like an attacker that passes the structure checks. It
   * publishes its real (honest) replay trace and commits to it, so every replay matches, and the
   * spot-check finds the delta is not what the trace trained.
   */
  private JsonObject trainPoisoned(TrainerNode t, TrainingTask task, CostLedger costs) throws Exception {
    say("%s training (it will flip and scale its delta before submitting)", t.moniker());
    Path dir = net.dir().resolve(t.moniker());
    JobResult r = net.trainerVertx().executeBlocking(() -> new TrainingJob(dir, t.key().addressHex(), Device.cpu())
        .run(task, p -> { }, () -> false)).toCompletionStage().toCompletableFuture().get();
    DeltaFile honest = r.deltas().get(0);
    Map<String, FloatTensor> poisoned = new TreeMap<>();
    honest.tensors().forEach((name, tensor) -> {
      float[] v = tensor.data().clone();
      if (name.endsWith(DeltaFile.LORA_B_SUFFIX)) {
        for (int i = 0; i < v.length; i++) {
          v[i] *= POISON_FACTOR;
        }
      }
      poisoned.put(name, new FloatTensor(tensor.shape(), v));
    });
    Path file = dir.resolve("poisoned-" + honest.metadata().layer() + ".safetensors");
    DeltaFile.of(honest.metadata(), poisoned).write(file);
    ContentHash hash = ContentHash.sha256(file);
    Uploaded up = await(net.validators().get(0).store().upload(file, hash), 60);
    costs.recordStored(roundId, up.size());
    long size = Files.size(file);
    await(net.validators().get(0).store().upload(r.replay().traceFile(), r.replay().commitment()), 60);
    for (Long step : r.replay().stateFiles().keySet()) {
      await(net.validators().get(0).store().upload(r.replay().stateFiles().get(step), r.replay().stateHashes().get(step)), 60);
    }
    SubmitDelta.Builder b = SubmitDelta.newBuilder().setRoundId(roundId).setLayer(honest.metadata().layer())
        .setBaseHash(ByteString.copyFrom(honest.metadata().baseHash().bytes()))
        .setContentHash(ByteString.copyFrom(hash.bytes())).setCid(up.cid() == null ? "" : up.cid()).setSizeBytes(size)
        .setMode(io.deltachain.core.tx.proto.TrainingMode.LORA).setLoraRank(4)
        .setTokens(Long.parseLong(r.metrics().get("tokens"))).setShardIndex(t.index())
        .setReplayCommitment(ByteString.copyFrom(r.replay().commitment().bytes()));
    if (size < TxLimits.INLINE_DELTA_MAX_BYTES) {
      b.setInlineDelta(ByteString.copyFrom(Files.readAllBytes(file))).clearCid(); // the ledger takes one of the two
    }
    long last = await(t.chain().lastNonce(t.key().address()), 30);
    ChainClient.BroadcastResult sent = await(t.chain().broadcastTxSync(new TxSigner(t.key(), Devnet.CHAIN_ID, last)
        .submitDelta(b.build())), 30);
    if (!sent.ok()) {
      throw new IllegalStateException("poisoned SubmitDelta refused at CheckTx: " + sent.log());
    }
    return new JsonObject().put("taskId", task.taskId()).put("node", t.key().addressHex())
        .put("deltas", new JsonArray().add(new JsonObject().put("layer", honest.metadata().layer())
            .put("contentHash", hash.hex()).put("poisoned", "lora_B x " + POISON_FACTOR)));
  }

  private static String cidText(String cid) {
    return cid.isEmpty() ? "- (local store only: kubo did not start)" : cid;
  }

  /** The final table. */
  public static String table(Result r) {
    StringBuilder sb = new StringBuilder();
    String line = "+" + "-".repeat(96) + "+\n";
    sb.append(line).append(String.format(Locale.ROOT, "| %-94s |%n", "deltachain demo: round " + r.roundId()
        + " on " + r.layer() + " (" + r.roundStatus() + ", " + String.format(Locale.ROOT, "%.1f", r.seconds()) + " s)"));
    sb.append(line);
    sb.append(String.format(Locale.ROOT, "| %-30s %-63s |%n", "eval loss before", String.format(Locale.ROOT, "%.4f", r.evalLossBefore())));
    sb.append(String.format(Locale.ROOT, "| %-30s %-63s |%n", "eval loss after", String.format(Locale.ROOT, "%.4f (%+.4f)",
        r.evalLossAfter(), r.evalLossAfter() - r.evalLossBefore())));
    sb.append(line);
    for (DeltaOutcome d : r.deltas()) {
      sb.append(String.format(Locale.ROOT, "| %-24s %-12s %-9s %-9s %-36s |%n", d.trainer(), d.deltaId().substring(0, 12),
          d.status(), "+" + d.approvePower() + "/-" + d.rejectPower(), d.reasons().isEmpty() ? "-" : String.join(",", d.reasons())));
      long matched = d.spotChecks().stream().filter(c -> c.startsWith("MATCH")).count();
      String failed = d.spotChecks().stream().filter(c -> !c.startsWith("MATCH")).map(c -> c.split(":", 2)[0]).distinct()
          .reduce((x, y) -> x + "," + y).orElse("");
      sb.append(String.format(Locale.ROOT, "| %-24s %-69s |%n", "  replay spot-checks", String.format(Locale.ROOT,
          "%d/%d matched%s; %d disputes on chain", matched, d.spotChecks().size(), failed.isEmpty() ? "" : " (" + failed + ")",
          d.disputes())));
    }
    sb.append(line);
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "base", r.baseHash()));
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "base CID", cidText(r.baseCid())));
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "checkpoint", r.checkpointHash()));
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "checkpoint CID", cidText(r.checkpointCid())));
    boolean sameHead = r.headByNode().values().stream().distinct().count() == 1;
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "layer head", (sameHead ? "same on all " : "DIFFERS across ")
        + r.headByNode().size() + " validators"));
    boolean sameApp = r.appHashByNode().values().stream().distinct().count() == 1;
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "app hash", (sameApp ? "same on all " : "DIFFERS across ")
        + r.appHashByNode().size() + " validators at height " + r.appHashHeight() + ": "
        + r.appHashByNode().get(0).substring(0, 16) + "..."));
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "chain height", Long.toString(r.height())));
    RoundCost c = r.cost();
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "round cost", String.format(Locale.ROOT,
        "$%.6f: %.1f CPU-s training, %d B stored, %d B transferred", c.totalCost() / 1e6, c.gpuSeconds(),
        c.storedBytes(), c.transferredBytes())));
    sb.append(line);
    return sb.toString();
  }
}
