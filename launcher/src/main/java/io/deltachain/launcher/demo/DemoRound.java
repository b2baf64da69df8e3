package io.deltachain.launcher.demo;

import io.deltachain.validator.replay.ReplayOutcome;
import static io.deltachain.launcher.demo.Devnet.await;
import static io.deltachain.launcher.demo.Devnet.awaitTrue;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.core.content.ContentHash;
import io.deltachain.launcher.demo.Devnet.TrainerNode;
import io.deltachain.launcher.demo.Devnet.ValidatorNode;
import io.deltachain.trainer.service.TrainerAddresses;
import io.deltachain.validator.aggregate.CheckpointFiles;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.verdict.DataSplit;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One LoRA round on a running {@link Devnet}, driven the way a user drives it: a client starts
 * the round with {@code POST /learning/round/start} on the round service's API (with the API
 * token) and follows {@code GET /learning/round/{id}/status}. Everything else happens inside the
 * network: the round service plans over the live trainers and commits StartRound; it offers each
 * trainer its task over the clustered event bus; honest trainers train, upload and submit
 * SubmitDelta signed with their own keys, the poisoning trainer does the same with its update
 * flipped and scaled; the validator services judge each committed delta and vote; once every
 * delta is decided each validator aggregates the accepted ones itself and proposes or votes for
 * the checkpoint; when more than 2/3 of the power agree, the layer's head moves and the round
 * service commits FinalizeRound. The result is what a user sees in the final table.
 */
public final class DemoRound {
  /** The layer trained in the demo round. */
  public static final int LAYER_INDEX = 1;
  /** LoRA targets of the demo round. */
  public static final List<String> TARGETS = List.of("q_proj", "v_proj");
  /** How the poisoned delta is made from a trained one: lora_B times this (sign flip and scale). */
  public static final float POISON_FACTOR = Devnet.POISON_FACTOR;

  /** One delta as decided on chain. */
  public record DeltaOutcome(String trainer, boolean poisoned, String deltaId, String status, List<String> reasons,
      long approvePower, long rejectPower, List<String> spotChecks, int disputes) {
    /** Whether every validator's spot-check matched. */
    public boolean spotChecksPassed() {
      return !spotChecks.isEmpty() && spotChecks.stream().allMatch(c -> c.startsWith("MATCH"));
    }
  }

  /**
   * What the round produced.
   *
   * @param cost the round service's cost of the round (its {@code /cost} document)
   * @param aggregated what each validator's own aggregation did ({@code proposed <hash>} or
   *     {@code voted <hash>}), by validator index; validators whose vote was not needed may be absent
   */
  public record Result(String roundId, String layer, double evalLossBefore, double evalLossAfter,
      List<DeltaOutcome> deltas, String baseHash, String checkpointHash, String checkpointCid,
      Map<Integer, String> headByNode, Map<Integer, String> appHashByNode, long appHashHeight, long height,
      String roundStatus, JsonObject cost, double seconds, long finalizeHeight, Map<Integer, String> aggregated) {}

  private final Devnet net;
  private final PrintStream out;
  private final int steps;
  private final int layerIndex;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private String roundId = "?";

  /** A round of {@code steps} optimizer steps per trainer on layer {@link #LAYER_INDEX}. */
  public DemoRound(Devnet net, PrintStream out, int steps) {
    this(net, out, steps, LAYER_INDEX);
  }

  /**
   * A round of {@code steps} optimizer steps per trainer on one layer; a layer that already has a
   * head is trained from it (the round declares the head as the layer's base).
   */
  public DemoRound(Devnet net, PrintStream out, int steps, int layerIndex) {
    this.net = net;
    this.out = out;
    this.steps = steps;
    this.layerIndex = layerIndex;
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

  /** Runs the round to its end and returns the outcome. */
  public Result run() throws Exception {
    long t0 = System.nanoTime();
    Devnet.Settings s = net.settings();
    String layer = "model.layers." + layerIndex;
    ChainClient chain = net.coordinatorChain();
    ValidatorNode v0 = net.validators().get(0);
    Map<String, TrainerNode> byAddress = new HashMap<>();
    net.trainers().forEach(t -> byAddress.put(t.key().addressHex().toLowerCase(Locale.ROOT), t));

    // heard from: a heartbeat (with its throughput, which the planner needs) reached the round service
    awaitTrue(Duration.ofSeconds(60), "a heartbeat from every trainer at the round service", () -> {
      JsonArray workers = get("/learning/workers").getJsonArray("workers");
      return byAddress.keySet().stream().allMatch(a -> workers.stream().map(JsonObject.class::cast)
          .anyMatch(w -> w.getString("address").equals(a) && w.getBoolean("alive")
              && w.getValue("measured_tokens_per_second") != null));
    });
    JsonObject request = new JsonObject().put("model_id", s.profile()).put("mode", "lora").put("dataset", "europarl")
        .put("hyperparams", new JsonObject().put("lr", 3e-3).put("batch_size", s.batchSize()).put("epochs", 1)
            .put("lora_rank", 4).put("sequence_length", s.sequenceLength()).put("steps", steps))
        .put("layers", new JsonObject().put("first", layerIndex).put("last", layerIndex))
        .put("target_modules", new JsonArray(new ArrayList<>(TARGETS)))
        .put("aggregation", "weighted_mean");
    JsonObject started = post("/learning/round/start", request);
    roundId = started.getString("round_id");
    say("POST /learning/round/start: StartRound committed at height %d (tx %s); %s, LoRA rank 4 on %s, %d steps each",
        started.getLong("height"), started.getString("tx_hash").substring(0, 12), layer, TARGETS, steps);
    // Everything about the round comes from the StartRound validator-0's node committed: the
    // training settings, the data seed, and the layer's declared base (a head from an earlier round).
    awaitTrue(Duration.ofSeconds(60), "validator-0's node to commit StartRound " + roundId,
        () -> v0.feed().round(roundId) != null);
    io.deltachain.core.tx.proto.StartRound start = v0.feed().round(roundId);
    io.deltachain.core.tx.RoundTraining training = io.deltachain.core.tx.RoundTraining.of(start.getTraining());
    String baseHex = java.util.HexFormat.of().formatHex(start.getBaseCheckpointsOrThrow(layer).toByteArray());
    DataSplit evalSet = new DataSplit.EvalSet(start.getEvalSeed());
    double before = v0.rounds().evaluator(roundId).baseLoss(evalSet);
    java.util.HexFormat hex = java.util.HexFormat.of();
    say("on chain: %d steps, batch %dx%d, lr %s, LoRA alpha %s, base model %s, dataset %s, data seed %s; %s builds on %s",
        training.steps(), training.batchSize(), training.sequenceLength(), training.learningRate(),
        training.loraAlpha(), training.baseModel(), training.dataset(), Long.toUnsignedString(training.dataSeed()),
        layer, baseHex.equals(s.baseHash()) ? "the seed base" : "checkpoint " + baseHex.substring(0, 16));
    say("data (personal data filtered, fetched from the delta store by hash): train set %s, eval set %s",
        hex.formatHex(start.getDatasetHash().toByteArray()).substring(0, 16),
        hex.formatHex(start.getEvalSetHash().toByteArray()).substring(0, 16));
    say("evaluation set: %d batches of %dx%d tokens from the eval set (the same in every round on this data); loss"
        + " of the round's base %.4f", s.evalBatches(), training.batchSize(), training.sequenceLength(), before);

    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    consumers.add(net.coordinatorVertx().eventBus().<JsonObject>consumer(TrainerAddresses.PROGRESS, m -> {
      JsonObject p = m.body();
      TrainerNode t = byAddress.get(String.valueOf(p.getString("node")).toLowerCase(Locale.ROOT));
      if (t != null && String.valueOf(p.getString("taskId")).startsWith(roundId + "-")
          && String.valueOf(p.getValue("step")).matches("\\d*0")) {
        Object loss = p.getValue("loss");
        say("%s step %s/%d loss %s", t.moniker(), p.getValue("step"), steps, loss instanceof Number n
            ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : loss);
      }
    }));
    JsonObject status;
    try {
      status = follow(byAddress);
    } finally {
      consumers.forEach(MessageConsumer::unregister);
    }

    // the round service commits FinalizeRound once the tracker saw the checkpoints
    awaitTrue(Duration.ofSeconds(60), "FinalizeRound on chain",
        () -> "FINALIZED".equals(query(chain, "/round/" + roundId).getString("status")));
    long finalizeHeight = query(chain, "/round/" + roundId).getLong("finalized_height");
    say("FinalizeRound committed at height %d by the round service", finalizeHeight);

    List<DeltaOutcome> outcomes = new ArrayList<>();
    for (Object o : status.getJsonArray("deltas")) {
      JsonObject d = (JsonObject) o;
      JsonObject onChain = query(chain, "/delta/" + d.getString("delta_id"));
      TrainerNode t = byAddress.get(d.getString("trainer"));
      List<String> reasons = new ArrayList<>();
      d.getJsonArray("reasons").forEach(r -> reasons.add((String) r));
      String id = d.getString("delta_id");
      // Spot-checks run after the verdicts, on each validator's replay worker.
      awaitTrue(Duration.ofSeconds(300), "every validator's spot-check of delta " + id.substring(0, 12),
          () -> net.validators().stream().allMatch(v -> v.disputes().outcome(id) != null
              || v.disputes().notChecked(id) != null));
      List<String> checks = new ArrayList<>();
      for (ValidatorNode v : net.validators()) {
        ReplayOutcome ro = v.disputes().outcome(id);
        String line = ro == null ? "NOT CHECKED " + v.disputes().notChecked(id)
            : ro.matched() ? "MATCH " + ro.detail() : ro.detail();
        checks.add(line);
        say("  spot-check of %s by validator-%d: %s", id.substring(0, 12), v.index(), line);
      }
      long expected = net.validators().stream().map(v -> v.disputes().outcome(id)).filter(x -> x != null && !x.matched())
          .count();
      awaitTrue(Duration.ofSeconds(60), expected + " disputes against delta " + id.substring(0, 12) + " on chain",
          () -> query(chain, "/delta/" + id).getJsonArray("disputes", new JsonArray()).size() >= expected);
      int disputes = query(chain, "/delta/" + id).getJsonArray("disputes", new JsonArray()).size();
      if (disputes > 0) {
        say("  %d Dispute transactions on chain against delta %s (layer %s)", disputes, id.substring(0, 12), layer);
      }
      outcomes.add(new DeltaOutcome(t == null ? d.getString("trainer") : t.moniker(), t != null && t.poisoned(),
          id, d.getString("status"), reasons, onChain.getLong("approve_power"),
          onChain.getLong("reject_power"), checks, disputes));
    }
    outcomes.sort(Comparator.comparing(DeltaOutcome::trainer));
    JsonObject checkpoint = status.getJsonArray("checkpoints").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("layer").equals(layer)).findFirst().orElse(null);
    String checkpointHex = checkpoint == null ? null : checkpoint.getString("hash");
    String cid = checkpoint == null || checkpoint.getString("cid") == null ? "" : checkpoint.getString("cid");
    Map<Integer, String> aggregated = new TreeMap<>();
    for (ValidatorNode v : net.validators()) {
      v.aggregator().outcomes().stream().filter(o -> o.startsWith(roundId + " " + layer + " ")).findFirst()
          .ifPresent(o -> aggregated.put(v.index(), o.substring((roundId + " " + layer + " ").length())));
    }
    aggregated.forEach((i, o) -> say("validator-%d aggregated the accepted deltas itself and %s", i, o));
    Map<Integer, String> heads = new TreeMap<>();
    for (ValidatorNode v : net.validators()) {
      if (checkpointHex != null) {
        awaitTrue(Duration.ofSeconds(30), "the new head on validator-" + v.index(),
            () -> checkpointHex.equals(headOf(v.chain(), layer)));
      }
      heads.put(v.index(), headOf(v.chain(), layer));
    }

    double after = Double.NaN;
    if (checkpointHex != null) {
      after = lossOf(v0, layer, checkpointHex, cid, evalSet);
    }

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
    JsonObject cost = get("/learning/round/" + roundId + "/cost");
    return new Result(roundId, layer, before, after, outcomes, baseHex, checkpointHex, cid, heads, appHashes, h,
        height, status.getString("status"), cost, (System.nanoTime() - t0) / 1e9, finalizeHeight, aggregated);
  }

  /** Follows the round's status until it ends, saying what changed. */
  private JsonObject follow(Map<String, TrainerNode> byAddress) {
    long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    String lastState = "";
    Map<String, String> deltaStates = new HashMap<>();
    while (true) {
      JsonObject st = get("/learning/round/" + roundId + "/status");
      String state = st.getString("status");
      if (!state.equals(lastState)) {
        say("status %s: %s", state, st.getString("reason"));
        if (state.equals("TRAINING")) {
          for (Object o : st.getJsonArray("workers")) {
            JsonObject w = (JsonObject) o;
            TrainerNode t = byAddress.get(w.getString("address"));
            say("  %s: layers %s, shard %d, %s rank %d (task offered over the event bus)",
                t == null ? w.getString("address") : t.moniker(), w.getString("layers"), w.getInteger("shard_index"),
                w.getString("mode"), w.getInteger("lora_rank"));
          }
        }
        lastState = state;
      }
      for (Object o : st.getJsonArray("deltas")) {
        JsonObject d = (JsonObject) o;
        String now = d.getString("status") + " " + d.getJsonArray("reasons").encode();
        if (!now.equals(deltaStates.put(d.getString("delta_id"), now))) {
          TrainerNode t = byAddress.get(d.getString("trainer"));
          say("delta %s by %s (shard %d): %s%s", d.getString("delta_id").substring(0, 12),
              t == null ? d.getString("trainer") : t.moniker(), d.getInteger("shard_index"), d.getString("status"),
              d.getJsonArray("reasons").isEmpty() ? "" : " reasons " + d.getJsonArray("reasons").encode());
        }
      }
      if (List.of("FINALIZED", "FAILED", "CANCELLED").contains(state)) {
        return st;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("round " + roundId + " still " + state + " after 15 minutes: "
            + st.getString("reason"));
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** The evaluation loss of the base model with the new checkpoint of the layer in place. */
  private double lossOf(ValidatorNode v0, String layer, String checkpointHex, String cid, DataSplit evalSet)
      throws IOException {
    Path f = net.dir().resolve("round-" + roundId + "-checkpoint.safetensors");
    await(v0.store().download(ContentHash.parse(checkpointHex), cid, f), 60);
    SortedMap<String, DenseTensor> base = v0.rounds().evaluator(roundId).baseWeights(layer);
    SortedMap<String, DenseTensor> ckpt = CheckpointFiles.readTensors(f);
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
    Files.deleteIfExists(f);
    return v0.rounds().evaluator(roundId).lossWithDelta(new LayerDelta(layer, diff), evalSet);
  }

  private JsonObject get(String path) {
    return send(HttpRequest.newBuilder(URI.create(net.roundApiUrl() + path)).GET().build(), 200);
  }

  private JsonObject post(String path, JsonObject body) {
    return send(HttpRequest.newBuilder(URI.create(net.roundApiUrl() + path))
        .header("Authorization", "Bearer " + net.apiToken()).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), 202);
  }

  private JsonObject send(HttpRequest req, int expected) {
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        throw new IllegalStateException(req.method() + " " + req.uri().getPath() + " answered " + r.statusCode() + ": "
            + r.body());
      }
      return new JsonObject(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(req.method() + " " + req.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static JsonObject query(ChainClient c, String path) {
    return await(c.queryJson(path), 30);
  }

  private static String headOf(ChainClient c, String layer) {
    ChainClient.QueryResult r = await(c.abciQuery("/layer/" + layer + "/head", null), 30);
    return r.code() == 0 ? r.json().getString("head") : null;
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
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "checkpoint", r.checkpointHash() == null ? "- (none agreed)"
        : r.checkpointHash()));
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "checkpoint CID", r.checkpointCid().isEmpty()
        ? "- (local store only: kubo did not start)" : r.checkpointCid()));
    boolean sameHead = r.headByNode().values().stream().distinct().count() == 1;
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "layer head", (sameHead ? "same on all " : "DIFFERS across ")
        + r.headByNode().size() + " validators"));
    boolean sameApp = r.appHashByNode().values().stream().distinct().count() == 1;
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "app hash", (sameApp ? "same on all " : "DIFFERS across ")
        + r.appHashByNode().size() + " validators at height " + r.appHashHeight() + ": "
        + r.appHashByNode().get(0).substring(0, 16) + "..."));
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "chain height", r.height() + " (FinalizeRound at "
        + r.finalizeHeight() + ")"));
    JsonObject c = r.cost();
    sb.append(String.format(Locale.ROOT, "| %-14s %-79s |%n", "round cost", String.format(Locale.ROOT,
        "$%s: %.1f CPU-s training (est.), %d B stored, %d B moved", c.getString("total_cost"),
        c.getDouble("gpu_seconds"), c.getLong("stored_bytes"), c.getLong("transferred_bytes"))));
    sb.append(line);
    return sb.toString();
  }
}
