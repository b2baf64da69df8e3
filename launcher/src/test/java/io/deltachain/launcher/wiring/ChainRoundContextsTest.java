package io.deltachain.launcher.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.validator.service.CommittedDelta;
import io.deltachain.validator.verdict.RoundPlan;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChainRoundContextsTest {
  private static final byte[] A = HexFormat.of().parseHex("aa".repeat(20));
  private static final byte[] B = HexFormat.of().parseHex("bb".repeat(20));
  private static final byte[] C = HexFormat.of().parseHex("cc".repeat(20));

  private static StartRound start() {
    return StartRound.newBuilder().setRoundId("7").setMaxNormRatioPpm(50_000)
        .addAssignments(Assignment.newBuilder().setTrainerAddress(ByteString.copyFrom(A)).setFirstLayer(1)
            .setLastLayer(1).setMode(TrainingMode.LORA).setLoraRank(4).setShardIndex(0).addTargetModules("q_proj"))
        .addAssignments(Assignment.newBuilder().setTrainerAddress(ByteString.copyFrom(B)).setFirstLayer(2)
            .setLastLayer(2).setMode(TrainingMode.LORA).setLoraRank(8).setShardIndex(1).addTargetModules("v_proj"))
        .build();
  }

  private static CommittedDelta delta(byte[] trainer, int shard) {
    return new CommittedDelta(5, new byte[32], trainer, SubmitDelta.newBuilder().setRoundId("7").setShardIndex(shard)
        .build(), new byte[32]);
  }

  @Test
  @DisplayName("a listed trainer delivering another shard of the round is judged against that shard's assignment")
  void takeoverUsesTheShardsAssignment() {
    RoundPlan plan = ChainRoundContexts.planFor(start(), delta(B, 0));
    assertThat(plan.assignments().get("bb".repeat(20)).shardIndex()).isZero();
    assertThat(plan.assignments().get("bb".repeat(20)).loraRank()).isEqualTo(4);
    assertThat(plan.assignments().get("bb".repeat(20)).firstLayer()).isEqualTo(1);
    assertThat(plan.assignments().get("aa".repeat(20)).shardIndex()).isZero();
  }

  @Test
  @DisplayName("its own shard, an unlisted trainer or a shard the round does not have leave the plan as committed")
  void otherwiseThePlanAsCommitted() {
    assertThat(ChainRoundContexts.planFor(start(), delta(B, 1))).isEqualTo(RoundPlan.from(start()));
    assertThat(ChainRoundContexts.planFor(start(), delta(C, 0))).isEqualTo(RoundPlan.from(start()));
    assertThat(ChainRoundContexts.planFor(start(), delta(B, 5)).assignments().get("bb".repeat(20)).shardIndex())
        .isEqualTo(1);
  }
}
