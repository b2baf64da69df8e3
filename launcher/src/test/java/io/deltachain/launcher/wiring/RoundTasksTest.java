package io.deltachain.launcher.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.deltachain.core.tx.RoundTraining;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.round.RoundBus;
import io.deltachain.round.lifecycle.AssignmentView;
import io.deltachain.round.lifecycle.RoundState;
import io.deltachain.round.lifecycle.RoundView;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import io.deltachain.validator.service.CommittedDelta;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The trainer's task comes from its offer, the validator's from the StartRound its node
 * committed; both must be the round's task as the chain fixes it, including the layer's base.
 */
class RoundTasksTest {
  private static final byte[] TRAINER = HexFormat.of().parseHex("ab".repeat(20));
  private static final String SEED_BASE = TrainingJob.seedBaseHash("tiny-1m", "random:7").hex();
  private static final String HEAD = "c0".repeat(32);
  private static final String TRAIN_SET = "d7".repeat(32);
  private static final RoundTraining TRAINING = new RoundTraining(12, 4, 32, RoundTraining.learningRateE9(3e-3),
      RoundTraining.loraAlphaMilli(8), "random:7", "europarl:600", RoundTraining.dataSeed("77", 5));

  /** Round 77: layer 1 builds on an earlier round's head, layer 0 (not trained) is at the seed base. */
  private static StartRound start(RoundTraining training) {
    return StartRound.newBuilder().setRoundId("77").setModelId("tiny-1m").setEvalSeed(5).setShardCount(2)
        .setDatasetHash(ByteString.copyFrom(HexFormat.of().parseHex(TRAIN_SET)))
        .setTrainingBlocks(10).setValidationBlocks(10).setAggregation(AggregationMethod.WEIGHTED_MEAN)
        .putBaseCheckpoints("model.layers.0", ByteString.copyFrom(HexFormat.of().parseHex(SEED_BASE)))
        .putBaseCheckpoints("model.layers.1", ByteString.copyFrom(HexFormat.of().parseHex(HEAD)))
        .addAssignments(Assignment.newBuilder().setTrainerAddress(ByteString.copyFrom(TRAINER)).setFirstLayer(1)
            .setLastLayer(1).setMode(TrainingMode.LORA).setLoraRank(4).addTargetModules("q_proj").setShardIndex(1)
            .setPrecision("fp32"))
        .setTraining(training.toProto()).build();
  }

  private static JsonObject offer(StartRound start) {
    Assignment a = start.getAssignments(0);
    AssignmentView av = new AssignmentView(0, "ab".repeat(20), "ab".repeat(20), a.getFirstLayer(), a.getLastLayer(),
        a.getMode().name(), a.getLoraRank(), a.getShardIndex(), a.getPrecision(), a.getTargetModulesList(), "");
    RoundView r = new RoundView("77", "tiny-1m", RoundState.TRAINING, "", 3, "tx", 100, 200, 300, "00".repeat(32), 2,
        List.of(av), List.of(), List.of(), 1, false, List.of());
    // as a clustered bus delivers it
    return new JsonObject(RoundBus.taskOffer(r, av, start).encode());
  }

  private static TrainerBridge bridge(String base) {
    return new TrainerBridge("ab".repeat(20), new TrainerTaskSettings("bytes", base, 100), false);
  }

  @Test
  @DisplayName("the trainer's task from its offer and a validator's replay task from the StartRound are the same task, with the round's settings and the layer's head as base")
  void trainerAndValidatorAgree() {
    StartRound start = start(TRAINING);
    TrainingTask trained = bridge("random:7").toTask(offer(start));
    ValidatorRounds rounds = new ValidatorRounds(id -> id.equals("77") ? start : null, h -> new byte[0], 2);
    TrainingTask replayed = rounds.taskOf(new CommittedDelta(9, new byte[32], TRAINER, SubmitDelta.newBuilder()
        .setRoundId("77").setShardIndex(1).setLayer("model.layers.1").build(), new byte[32]));

    assertThat(replayed.withTaskId(trained.taskId())).isEqualTo(trained);
    assertThat(trained.steps()).isEqualTo(12);
    assertThat(trained.batchSize()).isEqualTo(4);
    assertThat(trained.sequenceLength()).isEqualTo(32);
    assertThat(trained.learningRate()).isEqualTo(3e-3);
    assertThat(trained.loraAlpha()).isEqualTo(8.0);
    assertThat(trained.roundSeed()).isEqualTo(TRAINING.dataSeed());
    assertThat(trained.shardIndex()).isEqualTo(1);
    assertThat(trained.shardCount()).isEqualTo(2);
    // the train set by the hash on chain, not the source name the round records
    assertThat(trained.dataset()).isEqualTo("sha256:" + TRAIN_SET);
    assertThat(trained.datasetHash()).isEqualTo(TRAIN_SET);
    assertThat(trained.baseCheckpoint()).isEqualTo("random:7");
    assertThat(trained.baseHash()).isEqualTo(HEAD);
    // the head is loaded before training; the seed base of layer 0 needs nothing
    assertThat(trained.baseCheckpoints()).isEqualTo(Map.of("model.layers.1", HEAD));
  }

  @Test
  @DisplayName("a round naming a base model the node does not have, or no train set hash, is refused with the reason")
  void refusesWhatTheNodeLacks() {
    JsonObject offer = offer(start(TRAINING));
    assertThatThrownBy(() -> bridge("random:8").toTask(offer))
        .hasMessageContaining("base model 'random:7'").hasMessageContaining("this node has 'random:8'");
    assertThatThrownBy(() -> bridge("random:7").toTask(offer.copy().putNull("training")))
        .hasMessageContaining("no training settings");
    assertThatThrownBy(() -> bridge("random:7").toTask(offer.copy().put("datasetHash", "")))
        .hasMessageContaining("round 77 names no valid dataset_hash");
  }

  @Test
  @DisplayName("layers of one assignment on different bases, or a shard outside the round, do not make a task")
  void inconsistentRoundsAreRefused() {
    RoundTasks.Assigned twoLayers = new RoundTasks.Assigned(io.deltachain.core.profile.TrainingMode.LORA, 0, 1, 4,
        List.of("q_proj"), 0, "fp32");
    Map<String, String> bases = Map.of("model.layers.0", SEED_BASE, "model.layers.1", HEAD);
    assertThatThrownBy(() -> RoundTasks.task("t", "77", "tiny-1m", TRAINING, bases, twoLayers, 2, "bytes", TRAIN_SET))
        .hasMessageContaining("layers 0-1 have different base checkpoints");
    RoundTasks.Assigned shard5 = new RoundTasks.Assigned(io.deltachain.core.profile.TrainingMode.LORA, 1, 1, 4,
        List.of("q_proj"), 5, "fp32");
    assertThatThrownBy(() -> RoundTasks.task("t", "77", "tiny-1m", TRAINING, bases, shard5, 2, "bytes", TRAIN_SET))
        .hasMessageContaining("shard 5 is outside the round's 2 data shards");
    assertThatThrownBy(() -> RoundTasks.task("t", "r-77", "tiny-1m", TRAINING, bases, shard5, 2, "bytes", TRAIN_SET))
        .hasMessageContaining("round id 'r-77' is not a number");
  }
}
