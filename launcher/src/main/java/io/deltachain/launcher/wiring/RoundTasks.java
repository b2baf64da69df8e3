package io.deltachain.launcher.wiring;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.tx.RoundTraining;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.trainer.data.HashedDatasets;
import io.deltachain.trainer.model.LayerCheckpoints;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one rule that turns a round, as its StartRound fixes it, into a trainer's
 * {@link TrainingTask}: trainers apply it to their task offer (which carries the StartRound's
 * fields), validators to the StartRound their own node committed, so a validator re-runs and
 * evaluates exactly what the trainer ran, from the chain alone.
 *
 * <ul>
 *   <li>the round: model (profile), training settings ({@link RoundTraining}: steps, batch,
 *       sequence length, learning rate, LoRA alpha, base model, data seed), shard count, the
 *       declared base of every layer, and the train set by hash ({@code dataset_hash}: the task's
 *       dataset is {@code sha256:<hex>}, fetched from the delta store and verified, see
 *       {@link HashedDatasets}); {@code training.dataset} only records the source's name;
 *   <li>the assignment: layers, mode, rank, targets, shard, precision;
 *   <li>the node: only its tokenizer.
 * </ul>
 *
 * The task's base is the round's base model with every declared layer checkpoint that is not the
 * seed base itself loaded into it ({@link TrainingTask#baseCheckpoints()}); its base hash is the
 * declared base of its layers.
 */
public final class RoundTasks {
  private RoundTasks() {
  }

  /**
   * An assignment's part of a task.
   *
   * @param mode training mode
   * @param firstLayer first layer, inclusive
   * @param lastLayer last layer, inclusive
   * @param loraRank LoRA rank
   * @param targetModules LoRA targets
   * @param shardIndex the data shard
   * @param precision {@code fp32}, {@code fp16}, {@code nf4} (empty: fp32)
   */
  public record Assigned(TrainingMode mode, int firstLayer, int lastLayer, int loraRank, List<String> targetModules,
      int shardIndex, String precision) {

    /** The assignment as StartRound lists it. */
    public static Assigned of(Assignment a) {
      return new Assigned(RoundTasks.mode(a.getMode().name()), a.getFirstLayer(), a.getLastLayer(), a.getLoraRank(),
          a.getTargetModulesList(), a.getShardIndex(), a.getPrecision());
    }
  }

  /** A mode by name ({@code LORA}, ...), failing with the name when unknown. */
  static TrainingMode mode(String name) {
    try {
      return TrainingMode.valueOf(name);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown training mode '" + name + "'");
    }
  }

  /**
   * The declared base of every layer of a StartRound, lowercase hex.
   *
   * @param start the round
   * @return layer to hash
   */
  public static Map<String, String> declaredBases(StartRound start) {
    Map<String, String> out = new TreeMap<>();
    start.getBaseCheckpointsMap().forEach((layer, hash) -> out.put(layer, HexFormat.of().formatHex(hash.toByteArray())));
    return out;
  }

  /**
   * A task of a round.
   *
   * @param taskId the task's id
   * @param roundId the round id (decimal: trainers and delta files carry it as a number)
   * @param modelId the round's model profile
   * @param training the round's training settings
   * @param declaredBases the declared base of each layer (hex)
   * @param a the assignment
   * @param shardCount the round's shard count
   * @param tokenizer the node's tokenizer ({@code bytes} or a tokenizer.json)
   * @param datasetHash the round's train set ({@code dataset_hash}), hex
   * @return the task
   * @throws IllegalArgumentException naming what does not make a task
   */
  public static TrainingTask task(String taskId, String roundId, String modelId, RoundTraining training,
      Map<String, String> declaredBases, Assigned a, int shardCount, String tokenizer, String datasetHash) {
    long round;
    try {
      round = Long.parseLong(roundId);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("round id '" + roundId + "' is not a number (trainers carry it as one)");
    }
    ContentHash trainSet;
    try {
      trainSet = ContentHash.parse(datasetHash);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("round " + roundId + " names no valid dataset_hash ('" + datasetHash
          + "'): trainers fetch the train set by it");
    }
    String seedBase = TrainingJob.seedBaseHash(modelId, training.baseModel()).hex();
    List<String> distinct = new ArrayList<>();
    for (int l = a.firstLayer(); l <= a.lastLayer(); l++) {
      String b = declaredBases.getOrDefault("model.layers." + l, seedBase);
      if (!distinct.contains(b)) {
        distinct.add(b);
      }
    }
    if (distinct.size() > 1) {
      throw new IllegalArgumentException("layers " + a.firstLayer() + "-" + a.lastLayer()
          + " have different base checkpoints " + distinct + "; one task builds on one base");
    }
    if (a.shardIndex() < 0 || a.shardIndex() >= shardCount) {
      throw new IllegalArgumentException("shard " + a.shardIndex() + " is outside the round's " + shardCount
          + " data shards");
    }
    training.problem(a.mode().isLora()).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    String precision = a.precision() == null || a.precision().isEmpty() ? "fp32" : a.precision();
    return new TrainingTask(taskId.replaceAll("[^A-Za-z0-9._-]", "-"), round, modelId, training.baseModel(),
        distinct.isEmpty() ? seedBase : distinct.get(0), a.mode(), a.firstLayer(), a.lastLayer(),
        a.mode().isLora() ? a.loraRank() : 8, training.loraAlpha(), a.targetModules(), HashedDatasets.spec(trainSet),
        tokenizer, trainSet.hex(), training.dataSeed(), a.shardIndex(), shardCount, Math.toIntExact(training.steps()),
        Math.toIntExact(training.batchSize()), Math.toIntExact(training.sequenceLength()), training.learningRate(),
        "fp16".equals(precision) ? "fp16" : "fp32", false, LayerCheckpoints.toApply(declaredBases, seedBase));
  }
}
