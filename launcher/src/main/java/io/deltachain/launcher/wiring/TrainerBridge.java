package io.deltachain.launcher.wiring;

import io.deltachain.core.tx.RoundTraining;
import io.deltachain.round.RoundBus;
import io.deltachain.trainer.service.TrainerAddresses;
import io.deltachain.trainer.service.TrainerError;
import io.deltachain.trainer.task.TrainingTask;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects one {@link io.deltachain.trainer.service.TrainerVerticle} to the round service, which
 * speaks the core bus contracts:
 *
 * <ul>
 *   <li>takes task offers on {@link RoundBus#taskOfferFor} and turns each into the trainer's
 *       {@link TrainingTask} exactly as the round's StartRound fixes it ({@link RoundTasks}: the
 *       training settings, data seed, shard count and layer bases all come from the round); a
 *       round whose dataset or base model this node does not have ({@link TrainerTaskSettings}),
 *       or an offer it cannot run for another reason, is refused with the reason, an accepted one is
 *       queued and handed to the TrainerVerticle when the node is free; the same task offered again
 *       is acknowledged, not run twice; a run that fails is retried afresh (up to
 *       {@value #MAX_ATTEMPTS} attempts: a run can fail for reasons of its node, e.g. a store or chain
 *       connection lost mid-upload);
 *   <li>republishes the TrainerVerticle's heartbeats as {@link RoundBus#TRAINER_HEARTBEAT} with
 *       the trainer's address and throughput, which is how the round service knows it is alive;
 *   <li>optionally holds the JVM's {@link TorchGate} while a task trains (several trainers or
 *       validators in one process).
 * </ul>
 */
public final class TrainerBridge extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerBridge.class);

  private final String node;
  private final TrainerTaskSettings settings;
  private final boolean gate;
  private final Map<String, String> known = new HashMap<>();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private Queued running;
  private double tokensPerSecond;

  /** Attempts per task: a run that fails is retried afresh. */
  static final int MAX_ATTEMPTS = 3;

  private record Queued(String roundTaskId, TrainingTask task, int attempt) {}

  /**
   * @param trainerAddressHex the trainer's address (its TrainerVerticle's node id)
   * @param gate whether training holds the JVM's {@link TorchGate}
   */
  public TrainerBridge(String trainerAddressHex, TrainerTaskSettings settings, boolean gate) {
    this.node = trainerAddressHex.toUpperCase(Locale.ROOT);
    this.settings = Objects.requireNonNull(settings, "settings");
    this.gate = gate;
    this.tokensPerSecond = settings.declaredTokensPerSecond();
  }

  /** What this bridge did with each task it was offered (queued, training, completed, failed: ...). */
  public synchronized Map<String, String> tasks() {
    return new HashMap<>(known);
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    bus.<JsonObject>consumer(TrainerAddresses.NODE_REGISTERED, m -> {
      if (node.equals(m.body().getString("node"))) {
        double measured = m.body().getDouble("tokensPerSecond", 0.0);
        if (measured > 0) {
          tokensPerSecond = measured;
        }
      }
    });
    bus.<JsonObject>consumer(TrainerAddresses.HEARTBEAT, m -> {
      JsonObject hb = m.body();
      if (node.equals(hb.getString("node"))) {
        JsonObject out = new JsonObject().put("trainerAddress", node)
            .put("tokensPerSecond", tokensPerSecond).put("state", hb.getBoolean("busy", false) ? "TRAINING" : "IDLE")
            .put("taskId", running == null ? null : running.roundTaskId());
        // measured by the trainer: device busy share, free memory, bytes uploaded and their rate
        for (String k : List.of("device", "utilization", "utilizationUnavailable", "freeMemoryBytes", "uploadedBytes",
            "uploadBytesPerSecond")) {
          if (hb.containsKey(k)) {
            out.put(k, hb.getValue(k));
          }
        }
        bus.publish(RoundBus.TRAINER_HEARTBEAT, out);
      }
    });
    bus.<JsonObject>consumer(TrainerAddresses.COMPLETED, m -> finished(m.body(), "completed"));
    bus.<JsonObject>consumer(TrainerAddresses.FAILED, m -> {
      Queued r = running;
      if (r != null && r.task().taskId().equals(m.body().getString("taskId"))
          && !m.body().getBoolean("cancelled", false) && r.attempt() < MAX_ATTEMPTS) {
        // a fresh run under a new id: the failed run's resume checkpoint is not reused
        LOG.warn("trainer {} task {} attempt {} failed ({}); running it again", node, r.roundTaskId(), r.attempt(),
            m.body().getString("reason"));
        queue.addFirst(new Queued(r.roundTaskId(), r.task().withTaskId(r.task().taskId().replaceAll("-attempt\\d+$", "")
            + "-attempt" + (r.attempt() + 1)), r.attempt() + 1));
        done(r, "retrying");
        return;
      }
      finished(m.body(), "failed: " + m.body().getString("reason"));
    });
    return bus.<JsonObject>consumer(RoundBus.taskOfferFor(node), this::onOffer).completion();
  }

  private void onOffer(Message<JsonObject> msg) {
    JsonObject offer = msg.body();
    String taskId = offer.getString("taskId", "");
    synchronized (this) {
      String state = known.get(taskId);
      if (state != null && !state.startsWith("failed")) {
        msg.reply(new JsonObject().put("accepted", true).put("taskId", taskId).put("node", node).put("state", state));
        return;
      }
    }
    TrainingTask task;
    try {
      task = toTask(offer);
    } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
      LOG.warn("trainer {} refuses task {}: {}", node, taskId, e.getMessage());
      msg.fail(TrainerError.CANNOT_RUN.code(), "trainer " + node + " cannot run task " + taskId + ": " + e.getMessage());
      return;
    }
    synchronized (this) {
      known.put(taskId, "queued");
    }
    queue.add(new Queued(taskId, task, 1));
    msg.reply(new JsonObject().put("accepted", true).put("taskId", taskId).put("node", node)
        .put("state", running == null ? "starting" : "queued"));
    pump();
  }

  private void pump() {
    if (running != null || queue.isEmpty()) {
      return;
    }
    Queued next = queue.poll();
    running = next;
    Future<Void> held = gate ? vertx.executeBlocking(() -> {
      TorchGate.acquire();
      return null;
    }) : Future.succeededFuture();
    held.compose(v -> vertx.eventBus().<JsonObject>request(TrainerAddresses.taskOffer(node), next.task().toJson(),
            new DeliveryOptions().setSendTimeout(30_000)))
        .onSuccess(reply -> {
          synchronized (this) {
            known.put(next.roundTaskId(), "training");
          }
          LOG.info("trainer {} training task {} (round {}, layers {}-{}, shard {}/{}, {} steps)", node,
              next.roundTaskId(), next.task().roundId(), next.task().firstLayer(), next.task().lastLayer(),
              next.task().shardIndex(), next.task().shardCount(), next.task().steps());
        })
        .onFailure(e -> {
          String why = e instanceof ReplyException re ? re.getMessage() + " (code " + re.failureCode() + ")"
              : e.toString();
          LOG.warn("trainer {} could not start task {}: {}", node, next.roundTaskId(), why);
          done(next, "failed: " + why);
        });
  }

  private void finished(JsonObject event, String outcome) {
    Queued r = running;
    if (r != null && r.task().taskId().equals(event.getString("taskId"))) {
      LOG.info("trainer {} task {} {}", node, r.roundTaskId(), outcome);
      done(r, outcome);
    }
  }

  private void done(Queued q, String outcome) {
    synchronized (this) {
      known.put(q.roundTaskId(), outcome);
    }
    if (running == q) {
      running = null;
      if (gate) {
        TorchGate.release();
      }
    }
    pump();
  }

  /**
   * The trainer's task for an offer: the round's task as its StartRound fixes it ({@link
   * RoundTasks}, from the offer's copy of the StartRound's fields, the train set by its
   * {@code dataset_hash}), checked against what this node has: the round's base model must be this node's.
   *
   * @throws IllegalArgumentException naming what this node cannot run
   */
  TrainingTask toTask(JsonObject offer) {
    RoundTraining training = RoundTraining.fromJson(offer.getJsonObject("training"));
    if (!training.baseModel().equals(settings.baseCheckpoint())) {
      throw new IllegalArgumentException("the round builds on base model '" + training.baseModel()
          + "'; this node has '" + settings.baseCheckpoint() + "'");
    }
    Map<String, String> bases = new java.util.TreeMap<>();
    offer.getJsonObject("baseCheckpoints", new JsonObject()).forEach(e -> bases.put(e.getKey(), (String) e.getValue()));
    List<String> targets = new ArrayList<>();
    offer.getJsonArray("targetModules", new JsonArray()).forEach(t -> targets.add((String) t));
    RoundTasks.Assigned a = new RoundTasks.Assigned(RoundTasks.mode(offer.getString("mode")),
        offer.getInteger("firstLayer"), offer.getInteger("lastLayer"), offer.getInteger("loraRank", 0), targets,
        offer.getInteger("shardIndex"), offer.getString("precision", ""));
    return RoundTasks.task(offer.getString("taskId"), offer.getString("roundId"), offer.getString("modelId"), training,
        bases, a, offer.getInteger("shardCount"), settings.tokenizer(), offer.getString("datasetHash", ""));
  }

  @Override
  public Future<?> stop() {
    if (running != null && gate) {
      running = null;
      TorchGate.release();
    }
    return Future.succeededFuture();
  }
}
