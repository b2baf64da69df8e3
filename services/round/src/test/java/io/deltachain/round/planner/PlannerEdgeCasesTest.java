package io.deltachain.round.planner;

import static io.deltachain.round.planner.Fleets.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.Precision;
import io.deltachain.core.profile.TrainingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PlannerEdgeCasesTest {
  private final PartitionPlanner planner = new PartitionPlanner();

  @Test
  @DisplayName("when no worker can hold even one layer, the error names the smallest requirement and the largest worker")
  void noWorkerFits() {
    ModelProfile qwen32b = ModelProfiles.bundled("qwen3-32b");
    PlanRequest request = PlanRequest.of(qwen32b, PlanMode.HYBRID, 16, 1, 8192);
    List<WorkerSpec> fleet = List.of(
        WorkerSpec.of("small-a", 5 * GIB, 20e12, "rtx2060"),
        WorkerSpec.of("small-b", 6 * GIB, 20e12, "rtx2060"),
        WorkerSpec.of("tiny", 2 * GIB, 2e12, "gtx1050"));
    StageModel stages = new StageModel(request, PlannerConfig.defaults());
    long need = stages.memory(new TrainingRung(TrainingMode.QLORA, true, 64), Precision.BF16, 16, 1, false, false)
        .totalBytes();
    assertThat(need).isGreaterThan(PlannerConfig.defaults().usableBytes(6 * GIB));
    assertThatThrownBy(() -> planner.plan(request, fleet))
        .isInstanceOf(PlanningException.class)
        .hasMessageContaining("cannot form a pipeline for qwen3-32b")
        .hasMessageContaining(String.format(Locale.ROOT, "needs %.2f GiB usable", need / (double) GIB))
        .hasMessageContaining("qlora+ckpt rank 16")
        .hasMessageContaining("the largest worker, small-b, has 6.00 GiB");
  }

  @Test
  @DisplayName("a fleet of only sub-4 GiB cards cannot train and is told so")
  void onlyValidationCards() {
    PlanRequest request = PlanRequest.of(ModelProfiles.bundled("tiny-20m"), PlanMode.LORA, 8, 1, 256);
    assertThatThrownBy(() -> planner.plan(request, List.of(WorkerSpec.of("gt", 2 * GIB, 1e12, "gt1030"))))
        .isInstanceOf(PlanningException.class)
        .hasMessageContaining("the largest worker, gt, has 2.00 GiB");
    assertThatThrownBy(() -> planner.plan(request, List.of()))
        .isInstanceOf(PlanningException.class).hasMessageContaining("no workers");
  }

  @Test
  @DisplayName("a single worker that holds the model trains every layer in one stage")
  void singleWorker() {
    ModelProfile tiny = ModelProfiles.bundled("tiny-20m");
    PartitionPlan plan = planner.plan(PlanRequest.of(tiny, PlanMode.HYBRID, 8, 4, 256),
        List.of(WorkerSpec.of("cpu-0", 8 * GIB, 5e11, "cpu")));
    assertThat(plan.pipelines()).singleElement().satisfies(p -> {
      assertThat(p.stages()).singleElement().satisfies(s -> {
        assertThat(s.layers().first()).isZero();
        assertThat(s.layers().last()).isEqualTo(tiny.numLayers() - 1);
        assertThat(s.holdsEmbeddings()).isTrue();
        assertThat(s.holdsHead()).isTrue();
        // 8 GiB is the dense-few tier, and a quarter of a tiny model is fewer than all its layers,
        // so a lone 8 GiB worker trains adapters over the whole model rather than leave layers out
        assertThat(s.rung().mode()).isEqualTo(TrainingMode.LORA);
      });
      assertThat(p.imbalance()).isEqualTo(1.0);
    });
    assertThat(plan.bottleneck().workerId()).isEqualTo("cpu-0");

    PartitionPlan big = planner.plan(PlanRequest.of(ModelProfiles.bundled("qwen3-8b"), PlanMode.HYBRID, 16, 1, 2048),
        List.of(Fleets.h100("h100")));
    assertThat(big.pipelines()).singleElement()
        .satisfies(p -> assertThat(p.stages()).singleElement()
            .satisfies(s -> assertThat(s.layers().count()).isEqualTo(36)));
  }

  @Test
  @DisplayName("the plan does not depend on the order workers are listed in")
  void deterministic() {
    ModelProfile qwen = ModelProfiles.bundled("qwen3-8b");
    PlanRequest request = PlanRequest.of(qwen, PlanMode.HYBRID, 16, 1, 2048);
    List<WorkerSpec> fleet = Fleets.mixedFor8b();
    String expected = planner.plan(request, fleet).toJson().encode();
    List<WorkerSpec> shuffled = new ArrayList<>(fleet);
    Collections.shuffle(shuffled, new Random(7));
    assertThat(planner.plan(request, shuffled).toJson().encode()).isEqualTo(expected);
  }

  @Test
  @DisplayName("duplicate worker ids are rejected")
  void duplicateIds() {
    PlanRequest request = PlanRequest.of(ModelProfiles.bundled("tiny-20m"), PlanMode.LORA, 8, 1, 256);
    assertThatThrownBy(() -> planner.plan(request, List.of(Fleets.rtx4090("x"), Fleets.rtx3090("x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker id x appears twice");
  }

  @Test
  @DisplayName("pipelines never exceed the configured number of stages")
  void stageLimit() {
    PartitionPlanner shortPipelines = new PartitionPlanner(PlannerConfig.defaults().withMaxStagesPerPipeline(3));
    PartitionPlan plan = shortPipelines.plan(
        PlanRequest.of(ModelProfiles.bundled("llama-3.1-70b"), PlanMode.HYBRID, 16, 1, 2048), Fleets.fleetFor70b());
    assertThat(plan.pipelines()).allSatisfy(p -> assertThat(p.stages().size()).isLessThanOrEqualTo(3));
  }

  @Test
  @DisplayName("a slow worker that must hold layers becomes the named bottleneck, with a warning")
  void bottleneckWarning() {
    ModelProfile llama70b = ModelProfiles.bundled("llama-3.1-70b");
    // two fast 16 GB cards hold about twenty QLoRA layers each; a slow 80 GB card must take the rest
    List<WorkerSpec> fleet = List.of(
        WorkerSpec.of("fast-a", 16 * GIB, 60e12, "fast-16g"), WorkerSpec.of("fast-b", 16 * GIB, 60e12, "fast-16g"),
        WorkerSpec.of("slow", 80 * GIB, 5e12, "old-80g"));
    PartitionPlan plan = planner.plan(PlanRequest.of(llama70b, PlanMode.QLORA, 16, 1, 2048), fleet);
    assertThat(plan.pipelines()).singleElement().satisfies(p -> {
      assertThat(p.stages()).hasSize(3);
      assertThat(p.bottleneck().workerId()).isEqualTo("slow");
    });
    assertThat(plan.bottleneck().workerId()).isEqualTo("slow");
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w)
        .contains("pipeline 0 bottleneck").contains("on slow").contains("memory limit"));
  }
}
