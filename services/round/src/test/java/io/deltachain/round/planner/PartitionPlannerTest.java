package io.deltachain.round.planner;

import static io.deltachain.round.planner.Fleets.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.profile.MemoryModel;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.TrainingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PartitionPlannerTest {
  private static final ModelProfile QWEN3_8B = ModelProfiles.bundled("qwen3-8b");
  private static final ModelProfile LLAMA_70B = ModelProfiles.bundled("llama-3.1-70b");
  private final PartitionPlanner planner = new PartitionPlanner();

  @ParameterizedTest(name = "Qwen3-8B over 6/12/24/80 GB cards, mode {0}")
  @EnumSource(PlanMode.class)
  @DisplayName("Qwen3-8B over a mix of 6, 12, 24 and 80 GB cards: every layer once per pipeline, nothing over memory, bottleneck named")
  void qwen3OverMixedFleet(PlanMode mode) {
    List<WorkerSpec> fleet = Fleets.mixedFor8b();
    PartitionPlan plan = planner.plan(PlanRequest.of(QWEN3_8B, mode, 32, 1, 2048), fleet);
    assertInvariants(plan, fleet, QWEN3_8B);
    assertThat(plan.auxiliaries())
        .filteredOn(a -> a.workerId().equals("1060-a"))
        .singleElement()
        .satisfies(a -> assertThat(a.role()).isEqualTo(AuxiliaryAssignment.Role.VALIDATION_OR_DRAFT));
  }

  @Test
  @DisplayName("Qwen3-8B hybrid mixes dense stages on big cards with adapter stages on 6 GB cards")
  void hybridMixesModes() {
    PartitionPlan plan = planner.plan(PlanRequest.of(QWEN3_8B, PlanMode.HYBRID, 32, 1, 2048), Fleets.mixedFor8b());
    Set<TrainingMode> modes = new HashSet<>();
    plan.pipelines().forEach(p -> p.stages().forEach(s -> modes.add(s.rung().mode())));
    assertThat(modes).contains(TrainingMode.STAGED).containsAnyOf(TrainingMode.LORA, TrainingMode.QLORA);
  }

  @Test
  @DisplayName("Llama-3.1-70B over a realistic fleet: every layer once per pipeline, nothing over memory, bottleneck named")
  void llama70bOverRealisticFleet() {
    List<WorkerSpec> fleet = Fleets.fleetFor70b();
    PartitionPlan plan = planner.plan(PlanRequest.of(LLAMA_70B, PlanMode.HYBRID, 16, 1, 2048), fleet);
    assertInvariants(plan, fleet, LLAMA_70B);
    assertThat(plan.pipelines()).hasSizeGreaterThanOrEqualTo(2);
    // an 80 GB card cannot hold 70B densely (about 14 GiB per layer with AdamW): the plan quantizes
    assertThat(plan.stageOf("h100-0")).get()
        .satisfies(s -> assertThat(s.rung().mode()).isIn(TrainingMode.QLORA, TrainingMode.LORA, TrainingMode.STAGED));
  }

  @Test
  @DisplayName("Llama-3.1-70B dense over 8 H100s cannot form a pipeline, and the error names the smallest requirement")
  void llama70bDenseTooFewCards() {
    List<WorkerSpec> fleet = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      fleet.add(Fleets.h100("h100-" + i));
    }
    assertThatThrownBy(() -> planner.plan(PlanRequest.of(LLAMA_70B, PlanMode.DENSE, 16, 1, 2048), fleet))
        .isInstanceOf(PlanningException.class)
        .hasMessageContaining("llama-3.1-70b")
        .hasMessageContaining("one middle layer as dense+ckpt")
        .hasMessageContaining("the largest worker, h100-0, has 80.00 GiB")
        .hasMessageContaining("hold 40 of 80 layers at most, in at most 8 stages");
  }

  @Test
  @DisplayName("Llama-3.1-70B dense over 20 H100s forms a dense pipeline; a 6 GB card stands by with the reason")
  void llama70bDenseOnEnoughCards() {
    List<WorkerSpec> fleet = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      fleet.add(Fleets.h100(String.format("h100-%02d", i)));
    }
    fleet.add(Fleets.rtx2060("2060-0"));
    PartitionPlanner longPipelines = new PartitionPlanner(PlannerConfig.defaults().withMaxStagesPerPipeline(24));
    PartitionPlan plan = longPipelines.plan(PlanRequest.of(LLAMA_70B, PlanMode.DENSE, 16, 1, 2048), fleet);
    assertThat(plan.pipelines()).hasSize(1);
    assertThat(plan.pipelines().get(0).stages()).allSatisfy(s -> assertThat(s.rung().dense()).isTrue());
    assertThat(plan.auxiliaries()).filteredOn(a -> a.workerId().equals("2060-0")).singleElement()
        .satisfies(a -> assertThat(a.reason()).contains("trains adapters only"));
    int next = 0;
    for (Stage s : plan.pipelines().get(0).stages()) {
      assertThat(s.layers().first()).isEqualTo(next);
      next = s.layers().last() + 1;
      assertThat(s.memory().totalBytes()).isLessThanOrEqualTo(s.usableBytes());
    }
    assertThat(next).isEqualTo(80);
  }

  private static void assertInvariants(PartitionPlan plan, List<WorkerSpec> fleet, ModelProfile profile) {
    PlannerConfig config = PlannerConfig.defaults();
    assertThat(plan.pipelines()).isNotEmpty();
    Set<String> seen = new HashSet<>();
    for (Pipeline p : plan.pipelines()) {
      int next = 0;
      assertThat(p.stages().size()).isLessThanOrEqualTo(config.maxStagesPerPipeline());
      for (Stage s : p.stages()) {
        assertThat(s.layers().first()).as("pipeline %d stage %d starts where the last ended", p.index(), s.index())
            .isEqualTo(next);
        next = s.layers().last() + 1;
        assertThat(seen.add(s.workerId())).as("worker %s used once", s.workerId()).isTrue();
        WorkerSpec w = fleet.stream().filter(x -> x.id().equals(s.workerId())).findFirst().orElseThrow();
        assertThat(s.memory().totalBytes()).as("stage %s fits", s.describe())
            .isLessThanOrEqualTo(config.usableBytes(w.memoryBytes()))
            .isLessThan(w.memoryBytes());
        // an independent upper bound: the core model for a trainer holding the whole model
        assertThat(s.memory().totalBytes())
            .isLessThanOrEqualTo(MemoryModel.estimate(profile, s.spec()).totalBytes());
        assertThat(s.holdsEmbeddings()).isEqualTo(s.index() == 0);
        assertThat(s.holdsHead()).isEqualTo(s.index() == p.stages().size() - 1);
        switch (s.tier()) {
          case VALIDATION_ONLY -> throw new AssertionError("a sub-4 GiB worker trains: " + s.describe());
          case ADAPTER -> {
            assertThat(s.rung().mode().isLora()).as("4-8 GiB trains adapters: %s", s.describe()).isTrue();
            assertThat(s.loraRank()).isLessThanOrEqualTo(16);
          }
          case DENSE_FEW -> {
            if (s.rung().dense()) {
              assertThat(s.layers().count()).as("8-16 GiB dense on a few layers: %s", s.describe())
                  .isLessThanOrEqualTo((int) Math.ceil(profile.numLayers() / 4.0));
            }
          }
          case DENSE_MANY -> { }
        }
        if (plan.mode() == PlanMode.DENSE) {
          assertThat(s.rung().dense()).isTrue();
        }
        if (plan.mode() == PlanMode.QLORA) {
          assertThat(s.rung().mode()).isEqualTo(TrainingMode.QLORA);
        }
      }
      assertThat(next).as("pipeline %d covers every layer", p.index()).isEqualTo(profile.numLayers());
      double slowest = p.stages().stream().mapToDouble(Stage::secondsPerToken).max().orElseThrow();
      assertThat(p.bottleneck().secondsPerToken()).isEqualTo(slowest);
      if (p.imbalance() > config.imbalanceWarnRatio()) {
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w)
            .contains("pipeline " + p.index() + " bottleneck").contains(p.bottleneck().workerId()));
      }
    }
    for (AuxiliaryAssignment a : plan.auxiliaries()) {
      assertThat(seen.add(a.workerId())).as("worker %s accounted once", a.workerId()).isTrue();
      assertThat(a.reason()).isNotBlank();
    }
    assertThat(seen).as("every worker is either training or has a role")
        .containsExactlyInAnyOrderElementsOf(fleet.stream().map(WorkerSpec::id).toList());
    Stage b = plan.bottleneck();
    assertThat(plan.toJson().getJsonObject("bottleneck").getString("worker")).isEqualTo(b.workerId());
    assertThat(plan.tokensPerSecond()).isPositive();
  }
}
