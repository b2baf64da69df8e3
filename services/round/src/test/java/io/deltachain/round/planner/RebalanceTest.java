package io.deltachain.round.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RebalanceTest {
  private static final ModelProfile LLAMA_70B = ModelProfiles.bundled("llama-3.1-70b");
  private static final PlanRequest REQUEST = PlanRequest.of(LLAMA_70B, PlanMode.QLORA, 16, 1, 2048);
  private final PartitionPlanner planner = new PartitionPlanner();

  @Test
  @DisplayName("a joining card that speeds the bottleneck up by far more than 25% moves workers")
  void bigGainMoves() {
    List<WorkerSpec> fleet = new ArrayList<>(List.of(
        Fleets.rtx3090("3090-0"), Fleets.rtx3090("3090-1"), Fleets.rtx3090("3090-2")));
    PartitionPlan current = planner.plan(REQUEST, fleet);
    fleet.add(Fleets.rtx4090("4090-new"));
    RebalanceDecision d = planner.rebalance(REQUEST, current, fleet);
    assertThat(d.joined()).containsExactly("4090-new");
    assertThat(d.moved()).isTrue();
    assertThat(d.plan().tokensPerSecond()).isGreaterThan(1.25 * current.tokensPerSecond());
    assertThat(d.plan().trainingWorkers()).contains("4090-new");
    assertThat(d.reason()).contains("re-planned from scratch");
  }

  @Test
  @DisplayName("a joining card that would gain little leaves the running pipeline where it is")
  void smallGainKeeps() {
    List<WorkerSpec> fleet = new ArrayList<>(List.of(
        Fleets.rtx4090("4090-0"), Fleets.rtx4090("4090-1"), Fleets.rtx4090("4090-2")));
    PartitionPlan current = planner.plan(REQUEST, fleet);
    fleet.add(Fleets.rtx2060("2060-new"));
    RebalanceDecision d = planner.rebalance(REQUEST, current, fleet);
    assertThat(d.moved()).isFalse();
    assertThat(d.replannedTokensPerSecond()).isLessThanOrEqualTo(1.25 * d.keptTokensPerSecond());
    assertThat(d.plan().pipelines().get(0).stages()).isEqualTo(current.pipelines().get(0).stages());
    assertThat(d.plan().auxiliaries()).anySatisfy(a -> assertThat(a.workerId()).isEqualTo("2060-new"));
    assertThat(d.reason()).contains("kept 1 intact pipeline");
  }

  @Test
  @DisplayName("when a worker leaves, its pipeline is re-planned and the others stay as they were")
  void leaveReplansOnlyTheBrokenPipeline() {
    List<WorkerSpec> fleet = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fleet.add(Fleets.h100("h100-" + i));
    }
    for (int i = 0; i < 3; i++) {
      fleet.add(Fleets.rtx4090("4090-" + i));
    }
    PartitionPlan current = planner.plan(REQUEST, fleet);
    Pipeline broken = current.pipelineOf("4090-0").orElseThrow();
    fleet.removeIf(w -> w.id().equals("4090-0"));
    RebalanceDecision d = planner.rebalance(REQUEST, current, fleet);
    assertThat(d.departed()).containsExactly("4090-0");
    assertThat(d.plan().trainingWorkers()).doesNotContain("4090-0");
    for (Pipeline p : current.pipelines()) {
      if (p != broken) {
        assertThat(d.plan().pipelines()).anySatisfy(q -> assertThat(q.stages()).isEqualTo(p.stages()));
      }
    }
    for (Pipeline p : d.plan().pipelines()) {
      int next = 0;
      for (Stage s : p.stages()) {
        assertThat(s.layers().first()).isEqualTo(next);
        next = s.layers().last() + 1;
      }
      assertThat(next).isEqualTo(80);
    }
  }
}
