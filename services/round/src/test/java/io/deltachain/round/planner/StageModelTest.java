package io.deltachain.round.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.MemoryEstimate;
import io.deltachain.core.profile.MemoryModel;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.Precision;
import io.deltachain.core.profile.TrainingMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StageModelTest {

  @ParameterizedTest(name = "{0} {1} checkpointing={2}")
  @CsvSource({
      "qwen3-8b, STAGED, false", "qwen3-8b, STAGED, true", "qwen3-8b, LORA, false", "qwen3-8b, QLORA, true",
      "llama-3.1-8b, LORA, true", "llama-3.1-70b, QLORA, false", "tiny-20m, STAGED, false", "tiny-1m, QLORA, false"})
  @DisplayName("a single stage holding the whole model costs exactly what the core memory model says")
  void singleStageEqualsCoreMemoryModel(String model, TrainingMode mode, boolean checkpointing) {
    ModelProfile profile = ModelProfiles.bundled(model);
    PlanRequest request = PlanRequest.of(profile, PlanMode.HYBRID, 16, 2, 512);
    StageModel stages = new StageModel(request, PlannerConfig.defaults());
    TrainingRung rung = new TrainingRung(mode, checkpointing, profile.numLayers());
    MemoryEstimate stage = stages.memory(rung, Precision.BF16, 16, profile.numLayers(), true, true);
    MemoryEstimate core = MemoryModel.estimate(profile,
        stages.spec(rung, Precision.BF16, 16, LayerRange.all(profile)));
    assertThat(stage).isEqualTo(core);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"qwen3-8b", "llama-3.1-70b", "tiny-qwen3-1m"})
  @DisplayName("a middle stage costs less than a trainer holding the whole model, and more layers cost more")
  void partialStagesAreCheaperAndMonotonic(String model) {
    ModelProfile profile = ModelProfiles.bundled(model);
    StageModel stages = new StageModel(PlanRequest.of(profile, PlanMode.HYBRID, 16, 1, 1024), PlannerConfig.defaults());
    TrainingRung lora = new TrainingRung(TrainingMode.LORA, false, profile.numLayers());
    long previous = 0;
    for (int n = 1; n <= profile.numLayers(); n++) {
      long bytes = stages.memory(lora, Precision.BF16, 16, n, false, false).totalBytes();
      assertThat(bytes).isGreaterThan(previous);
      previous = bytes;
    }
    long middle = stages.memory(lora, Precision.BF16, 16, 2, false, false).totalBytes();
    long core = MemoryModel.estimate(profile, stages.spec(lora, Precision.BF16, 16, new LayerRange(0, 1))).totalBytes();
    assertThat(middle).isLessThan(core);
    // the head stage keeps fp32 logits and log-probabilities for the loss: 8 bytes per vocab entry per token
    long last = stages.memory(lora, Precision.BF16, 16, 2, false, true).totalBytes();
    assertThat(last - middle).isGreaterThanOrEqualTo(8L * 1024 * profile.vocabSize());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"qwen3-8b", "llama-3.1-70b"})
  @DisplayName("dense stages cost 3 forwards per layer, adapter stages 2, checkpointing one more")
  void flopsPerMode(String model) {
    ModelProfile profile = ModelProfiles.bundled(model);
    StageModel stages = new StageModel(PlanRequest.of(profile, PlanMode.HYBRID, 16, 1, 2048), PlannerConfig.defaults());
    double f = profile.cost().forwardFlopsPerTokenPerLayer(2048);
    int l = profile.numLayers();
    assertThat(stages.flopsPerToken(new TrainingRung(TrainingMode.STAGED, false, l), 4, false)).isEqualTo(12 * f);
    assertThat(stages.flopsPerToken(new TrainingRung(TrainingMode.LORA, false, l), 4, false)).isEqualTo(8 * f);
    assertThat(stages.flopsPerToken(new TrainingRung(TrainingMode.QLORA, true, l), 4, false)).isEqualTo(12 * f);
    assertThat(stages.flopsPerToken(new TrainingRung(TrainingMode.LORA, false, l), 4, true))
        .isEqualTo(8 * f + 2.0 * profile.cost().headFlopsPerToken());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"qwen3-8b", "llama-3.1-70b"})
  @DisplayName("maxLayers is the largest span that fits")
  void maxLayersIsTight(String model) {
    ModelProfile profile = ModelProfiles.bundled(model);
    StageModel stages = new StageModel(PlanRequest.of(profile, PlanMode.HYBRID, 16, 1, 2048), PlannerConfig.defaults());
    TrainingRung rung = new TrainingRung(TrainingMode.QLORA, true, profile.numLayers());
    long budget = 20L << 30;
    int n = stages.maxLayers(rung, Precision.BF16, 16, false, true, budget);
    assertThat(n).isPositive();
    assertThat(stages.memory(rung, Precision.BF16, 16, n, false, true).totalBytes()).isLessThanOrEqualTo(budget);
    if (n < profile.numLayers()) {
      assertThat(stages.memory(rung, Precision.BF16, 16, n + 1, false, true).totalBytes()).isGreaterThan(budget);
    }
  }
}
