package io.deltachain.core.bus;

import io.deltachain.core.tx.proto.TrainingMode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A training task offered to one trainer ({@link TrainerAddresses#taskOfferFor}), taken from a
 * committed {@code StartRound} assignment. The trainer replies with {@link TaskOfferReply}.
 *
 * @param taskId unique id of the task, e.g. {@code "<round>/<trainer>/<shard>"}
 * @param roundId the round
 * @param trainerAddress the trainer the plan assigned (40 uppercase hex characters)
 * @param firstLayer first layer index, inclusive
 * @param lastLayer last layer index, inclusive
 * @param mode training mode
 * @param loraRank LoRA rank (0 unless LoRA or QLoRA)
 * @param targetModules module names the delta covers, e.g. {@code ["q_proj", "v_proj"]}
 * @param shardIndex the data shard
 * @param precision e.g. {@code "fp32"}, {@code "fp16"}, {@code "nf4"}
 * @param baseCheckpoints layer name to the hex content hash of its base checkpoint (sorted)
 * @param deadlineHeight the block height by which the delta must be submitted
 */
public record TaskOffer(
    String taskId,
    String roundId,
    String trainerAddress,
    int firstLayer,
    int lastLayer,
    TrainingMode mode,
    int loraRank,
    List<String> targetModules,
    int shardIndex,
    String precision,
    Map<String, String> baseCheckpoints,
    long deadlineHeight)
    implements BusMessage {
  private static final String MSG = "TaskOffer";

  /** Checks the fields and freezes the collections. */
  public TaskOffer {
    BusJson.requireNonBlank(taskId, MSG, "taskId");
    BusJson.requireNonBlank(roundId, MSG, "roundId");
    BusJson.requireAddress(trainerAddress, MSG, "trainerAddress");
    BusJson.requireNonNegative(firstLayer, MSG, "firstLayer");
    if (lastLayer < firstLayer) {
      throw new IllegalArgumentException(MSG + ".lastLayer " + lastLayer + " is before firstLayer " + firstLayer);
    }
    BusJson.requireField(mode, MSG, "mode");
    if (mode == TrainingMode.UNRECOGNIZED || mode == TrainingMode.TRAINING_MODE_UNSPECIFIED) {
      throw new IllegalArgumentException(MSG + ".mode must be a concrete training mode, got " + mode);
    }
    BusJson.requireNonNegative(loraRank, MSG, "loraRank");
    targetModules = List.copyOf(BusJson.requireField(targetModules, MSG, "targetModules"));
    BusJson.requireNonNegative(shardIndex, MSG, "shardIndex");
    BusJson.requireNonBlank(precision, MSG, "precision");
    baseCheckpoints = Collections.unmodifiableSortedMap(new TreeMap<>(BusJson.requireField(baseCheckpoints, MSG, "baseCheckpoints")));
    BusJson.requireNonNegative(deadlineHeight, MSG, "deadlineHeight");
  }

  @Override
  public JsonObject toJson() {
    JsonObject bases = new JsonObject();
    baseCheckpoints.forEach(bases::put);
    return new JsonObject()
        .put("taskId", taskId)
        .put("roundId", roundId)
        .put("trainerAddress", trainerAddress)
        .put("firstLayer", firstLayer)
        .put("lastLayer", lastLayer)
        .put("mode", mode.name())
        .put("loraRank", loraRank)
        .put("targetModules", new JsonArray(new java.util.ArrayList<>(targetModules)))
        .put("shardIndex", shardIndex)
        .put("precision", precision)
        .put("baseCheckpoints", bases)
        .put("deadlineHeight", deadlineHeight);
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static TaskOffer fromJson(JsonObject o) {
    return new TaskOffer(
        BusJson.string(o, MSG, "taskId"),
        BusJson.string(o, MSG, "roundId"),
        BusJson.string(o, MSG, "trainerAddress"),
        BusJson.intValue(o, MSG, "firstLayer"),
        BusJson.intValue(o, MSG, "lastLayer"),
        BusJson.enumValue(o, MSG, "mode", TrainingMode.class),
        BusJson.intValue(o, MSG, "loraRank"),
        BusJson.strings(o, MSG, "targetModules"),
        BusJson.intValue(o, MSG, "shardIndex"),
        BusJson.string(o, MSG, "precision"),
        BusJson.stringMap(o, MSG, "baseCheckpoints"),
        BusJson.longValue(o, MSG, "deadlineHeight"));
  }
}
