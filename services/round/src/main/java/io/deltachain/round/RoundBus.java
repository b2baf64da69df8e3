package io.deltachain.round;

import io.deltachain.core.tx.RoundTraining;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.round.lifecycle.AssignmentView;
import io.deltachain.round.lifecycle.RoundTracker;
import io.deltachain.round.lifecycle.RoundState;
import io.deltachain.round.lifecycle.RoundView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The round service's event-bus traffic, in the JSON shapes of the core bus contracts
 * ({@code io.deltachain.core.bus} on the main branch: {@code RoundStarted}, {@code RoundFinalized},
 * {@code TaskOffer}, {@code TrainerHeartbeat}); addresses are the same strings.
 */
public final class RoundBus {
  /** Trainers publish heartbeats here. */
  public static final String TRAINER_HEARTBEAT = "trainer.heartbeat";
  /** Prefix of a trainer's task-offer address; the suffix is its address in upper-case hex. */
  public static final String TASK_OFFER = "trainer.task.offer";
  /** Published when the chain commits a round's StartRound. */
  public static final String ROUND_STARTED = "round.round.started";
  /** Published when a round ends (finalized, failed or cancelled). */
  public static final String ROUND_FINALIZED = "round.round.finalized";
  /** Published on every state change of a round, with its status summary. */
  public static final String ROUND_CHANGED = "round.round.changed";

  private RoundBus() {}

  /** A trainer's task-offer address. */
  public static String taskOfferFor(String address) {
    return TASK_OFFER + "." + address.toUpperCase(Locale.ROOT);
  }

  /** {@code RoundStarted}: round id, model, height, the layers trained. */
  public static JsonObject roundStarted(RoundView r) {
    List<String> layers = new ArrayList<>();
    java.util.TreeSet<Integer> idx = new java.util.TreeSet<>();
    r.assignments().forEach(a -> {
      for (int l = a.firstLayer(); l <= a.lastLayer(); l++) {
        idx.add(l);
      }
    });
    idx.forEach(l -> layers.add("model.layers." + l));
    return new JsonObject().put("roundId", r.roundId()).put("modelId", r.modelId()).put("height", r.startHeight())
        .put("layers", new JsonArray(layers));
  }

  /** {@code RoundFinalized}: round id, height, reason (with the end state for failed/cancelled rounds). */
  public static JsonObject roundFinalized(RoundView r) {
    long h = r.history().isEmpty() ? 0 : r.history().get(r.history().size() - 1).height();
    String reason = r.state() == RoundState.FINALIZED ? r.reason() : r.state().name() + ": " + r.reason();
    return new JsonObject().put("roundId", r.roundId()).put("height", h).put("reason", reason);
  }

  /**
   * A summary for {@link #ROUND_CHANGED}; {@code height} is the block height at which the round
   * entered this state, so a listener reading its own node can wait until that node is there.
   */
  public static JsonObject roundChanged(RoundView r) {
    long h = r.history().isEmpty() ? 0 : r.history().get(r.history().size() - 1).height();
    return new JsonObject().put("roundId", r.roundId()).put("status", r.state().name()).put("reason", r.reason())
        .put("height", h)
        .put("progress", r.progress()).put("deltasReceived", r.deltasReceived())
        .put("deltasValidated", r.deltasValidated());
  }

  /**
   * The {@code TaskOffer} of one assignment (the core contract's fields), plus what a trainer
   * needs to run it: {@code modelId}, {@code shardCount}, the declared base checkpoint of every
   * layer the round names ({@code baseCheckpoints}: the trained layers' bases and every other
   * layer's head, which the trainer loads before training), and the round's {@code training}
   * settings exactly as its StartRound fixes them ({@link RoundTraining#toJson()}). The task id
   * names the round, the trainer in charge and the shard, so a replacement gets a new task id.
   *
   * @param start the round's StartRound as committed (base checkpoints, shard count, training)
   */
  public static JsonObject taskOffer(RoundView r, AssignmentView a, StartRound start) {
    JsonObject bases = new JsonObject();
    new java.util.TreeMap<>(start.getBaseCheckpointsMap()).forEach((layer, hash) ->
        bases.put(layer, java.util.HexFormat.of().formatHex(hash.toByteArray())));
    String trainer = a.trainer().toUpperCase(Locale.ROOT);
    return new JsonObject()
        .put("taskId", r.roundId() + "/" + trainer + "/" + a.shardIndex())
        .put("roundId", r.roundId())
        .put("trainerAddress", trainer)
        .put("firstLayer", a.firstLayer())
        .put("lastLayer", a.lastLayer())
        .put("mode", a.mode())
        .put("loraRank", a.loraRank())
        .put("targetModules", new JsonArray(new ArrayList<>(a.targetModules())))
        .put("shardIndex", a.shardIndex())
        .put("precision", a.precision())
        .put("baseCheckpoints", bases)
        .put("deadlineHeight", r.trainingDeadline())
        .put("modelId", r.modelId())
        .put("shardCount", start.getShardCount())
        // the train set trainers fetch from the delta store by hash, as the chain fixes it
        .put("datasetHash", java.util.HexFormat.of().formatHex(start.getDatasetHash().toByteArray()))
        .put("training", RoundTraining.of(start.getTraining()).toJson());
  }
}
