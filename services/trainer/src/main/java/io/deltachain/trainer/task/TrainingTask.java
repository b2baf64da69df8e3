package io.deltachain.trainer.task;

import io.deltachain.core.profile.TrainingMode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One assignment from a round: which base, which layers, which mode, which data shard, and how
 * long to train. Travels on the event bus as JSON ({@link #toJson()} / {@link #fromJson}).
 *
 * @param taskId unique id, used for progress events and cancelling
 * @param roundId the round
 * @param profile bundled profile name (used when the base checkpoint has no config.json, and checked otherwise)
 * @param baseCheckpoint directory of the HF base checkpoint, or {@code random:<seed>} for a fresh model
 * @param baseHash hex SHA-256 of the base checkpoint as recorded on chain
 * @param mode training mode
 * @param firstLayer first assigned layer, inclusive (-1 with lastLayer -1: the whole model)
 * @param lastLayer last assigned layer, inclusive
 * @param loraRank LoRA rank (adapter modes)
 * @param loraAlpha LoRA alpha (adapter modes)
 * @param targetModules LoRA targets (adapter modes)
 * @param dataset {@code europarl[:maxDocs]}, or a path to a .txt or .jsonl file
 * @param tokenizer {@code bytes} or a path to tokenizer.json
 * @param datasetHash expected hex SHA-256 of the dataset (empty to skip the check)
 * @param roundSeed the round's data seed
 * @param shardIndex this trainer's shard
 * @param shardCount shards in the round
 * @param steps optimizer steps
 * @param batchSize sequences per micro-batch
 * @param sequenceLength tokens per sequence
 * @param learningRate peak learning rate
 * @param precision {@code fp32} or {@code fp16} (CUDA only)
 * @param activationCheckpointing recompute layer activations in backward (the planner's "+ckpt" rungs)
 * @param baseCheckpoints layer checkpoints loaded into the base model before anything else: hex
 *     SHA-256 by layer ({@code model.layers.N}), fetched from the delta store and verified (see
 *     {@link io.deltachain.trainer.model.LayerCheckpoints}); empty when the round builds on the
 *     seed base alone. A later round on a layer names the layer's head here, and {@link #baseHash}
 *     is then that head.
 */
public record TrainingTask(
    String taskId,
    long roundId,
    String profile,
    String baseCheckpoint,
    String baseHash,
    TrainingMode mode,
    int firstLayer,
    int lastLayer,
    int loraRank,
    double loraAlpha,
    List<String> targetModules,
    String dataset,
    String tokenizer,
    String datasetHash,
    long roundSeed,
    int shardIndex,
    int shardCount,
    int steps,
    int batchSize,
    int sequenceLength,
    double learningRate,
    String precision,
    boolean activationCheckpointing,
    Map<String, String> baseCheckpoints) {

  /** Copies the list and map (sorted by layer). */
  public TrainingTask {
    targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
    baseCheckpoints = baseCheckpoints == null ? Map.of()
        : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(baseCheckpoints));
  }

  /** A task on the seed base alone. */
  public TrainingTask(String taskId, long roundId, String profile, String baseCheckpoint, String baseHash,
      TrainingMode mode, int firstLayer, int lastLayer, int loraRank, double loraAlpha, List<String> targetModules,
      String dataset, String tokenizer, String datasetHash, long roundSeed, int shardIndex, int shardCount,
      int steps, int batchSize, int sequenceLength, double learningRate, String precision,
      boolean activationCheckpointing) {
    this(taskId, roundId, profile, baseCheckpoint, baseHash, mode, firstLayer, lastLayer, loraRank, loraAlpha,
        targetModules, dataset, tokenizer, datasetHash, roundSeed, shardIndex, shardCount, steps, batchSize,
        sequenceLength, learningRate, precision, activationCheckpointing, Map.of());
  }

  /** The same task under another id (a fresh attempt, a replay). */
  public TrainingTask withTaskId(String id) {
    return new TrainingTask(id, roundId, profile, baseCheckpoint, baseHash, mode, firstLayer, lastLayer, loraRank,
        loraAlpha, targetModules, dataset, tokenizer, datasetHash, roundSeed, shardIndex, shardCount, steps, batchSize,
        sequenceLength, learningRate, precision, activationCheckpointing, baseCheckpoints);
  }

  /** A task without activation checkpointing. */
  public TrainingTask(String taskId, long roundId, String profile, String baseCheckpoint, String baseHash,
      TrainingMode mode, int firstLayer, int lastLayer, int loraRank, double loraAlpha, List<String> targetModules,
      String dataset, String tokenizer, String datasetHash, long roundSeed, int shardIndex, int shardCount,
      int steps, int batchSize, int sequenceLength, double learningRate, String precision) {
    this(taskId, roundId, profile, baseCheckpoint, baseHash, mode, firstLayer, lastLayer, loraRank, loraAlpha,
        targetModules, dataset, tokenizer, datasetHash, roundSeed, shardIndex, shardCount, steps, batchSize,
        sequenceLength, learningRate, precision, false);
  }

  /** @return the task as event-bus JSON */
  public JsonObject toJson() {
    return new JsonObject()
        .put("taskId", taskId).put("roundId", roundId).put("profile", profile)
        .put("baseCheckpoint", baseCheckpoint).put("baseHash", baseHash).put("mode", mode.name())
        .put("firstLayer", firstLayer).put("lastLayer", lastLayer).put("loraRank", loraRank)
        .put("loraAlpha", loraAlpha).put("targetModules", new JsonArray(targetModules))
        .put("dataset", dataset).put("tokenizer", tokenizer).put("datasetHash", datasetHash)
        .put("roundSeed", roundSeed).put("shardIndex", shardIndex).put("shardCount", shardCount)
        .put("steps", steps).put("batchSize", batchSize).put("sequenceLength", sequenceLength)
        .put("learningRate", learningRate).put("precision", precision)
        .put("activationCheckpointing", activationCheckpointing)
        .put("baseCheckpoints", new JsonObject(new java.util.LinkedHashMap<>(baseCheckpoints)));
  }

  /**
   * Parses event-bus JSON.
   *
   * @param j the JSON
   * @return the task
   * @throws IllegalArgumentException naming the first missing or malformed field
   */
  public static TrainingTask fromJson(JsonObject j) {
    try {
      List<String> targets = new ArrayList<>();
      JsonArray t = j.getJsonArray("targetModules", new JsonArray());
      for (Object o : t) {
        targets.add((String) o);
      }
      String mode = required(j, "mode");
      TrainingMode m;
      try {
        m = TrainingMode.valueOf(mode);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown training mode '" + mode + "'");
      }
      return new TrainingTask(required(j, "taskId"), j.getLong("roundId", 0L), required(j, "profile"),
          required(j, "baseCheckpoint"), j.getString("baseHash", ""), m, j.getInteger("firstLayer", -1),
          j.getInteger("lastLayer", -1), j.getInteger("loraRank", 8), j.getDouble("loraAlpha", 16.0),
          targets, required(j, "dataset"), j.getString("tokenizer", "bytes"), j.getString("datasetHash", ""),
          j.getLong("roundSeed", 0L), j.getInteger("shardIndex", 0), j.getInteger("shardCount", 1),
          j.getInteger("steps", 100), j.getInteger("batchSize", 8), j.getInteger("sequenceLength", 128),
          j.getDouble("learningRate", 1e-3), j.getString("precision", "fp32"),
          j.getBoolean("activationCheckpointing", false), checkpoints(j.getJsonObject("baseCheckpoints")));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("malformed training task: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> checkpoints(JsonObject j) {
    Map<String, String> out = new TreeMap<>();
    if (j != null) {
      j.forEach(e -> {
        if (!(e.getValue() instanceof String h)) {
          throw new IllegalArgumentException("baseCheckpoints." + e.getKey() + " must be a hex hash, got " + e.getValue());
        }
        out.put(e.getKey(), h);
      });
    }
    return out;
  }

  private static String required(JsonObject j, String key) {
    String v = j.getString(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("training task lacks '" + key + "'");
    }
    return v;
  }
}
