package io.deltachain.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LoraConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MixedPrecisionTest {

  @Test
  @DisplayName("dynamic loss scaling skips overflowing steps, halves the scale, and doubles it after clean steps")
  void lossScaler() {
    LossScaler s = new LossScaler(1024, 3);
    assertThat(s.update(false)).isFalse();
    assertThat(s.scale()).isEqualTo(512);
    assertThat(s.update(true)).isTrue();
    assertThat(s.update(true)).isTrue();
    assertThat(s.scale()).isEqualTo(512);
    assertThat(s.update(true)).isTrue();
    assertThat(s.scale()).isEqualTo(1024);
    assertThat(s.skippedSteps()).isEqualTo(1);
  }

  @Test
  @DisplayName("fp16 mixed precision is refused on CPU with the reason")
  void refusedOnCpu() {
    try (CausalLm model = TestModels.tinyModel(1)) {
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.FULL).setSteps(1).optBatch(2, 16)
          .optMixedPrecision(true).build();
      assertThatThrownBy(() -> new TrainingSession(model, cfg, TestModels.shard(0, 2, 16), null))
          .hasMessageContaining("CUDA");
    }
  }

  @Test
  @DisplayName("the fp16 code path (run here on CPU) keeps fp32 master weights and matches the fp32 loss closely")
  void fp16PathOnCpu() {
    double fp32Loss;
    try (CausalLm model = TestModels.tinyModel(2)) {
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.LORA).setSteps(2).optBatch(2, 32)
          .optLora(LoraConfig.allLinear(4, 8)).optSeed(3).build();
      try (TrainingSession s = new TrainingSession(model, cfg, TestModels.shard(0, 2, 32), null)) {
        fp32Loss = s.trainStep().loss();
      }
    }
    try (CausalLm model = TestModels.tinyModel(2)) {
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.LORA).setSteps(2).optBatch(2, 32)
          .optLora(LoraConfig.allLinear(4, 8)).optSeed(3).optMixedPrecision(true).setSteps(20).build();
      try (TrainingSession s = new TrainingSession(model, cfg, TestModels.shard(0, 2, 32), null, true)) {
        assertThat(model.computeType()).isEqualTo(DataType.FLOAT16);
        StepResult first = s.trainStep();
        StepResult r = first;
        while (!r.applied() && s.step() < 20) {
          r = s.trainStep();
        }
        System.out.printf("fp16 loss %.5f vs fp32 %.5f; applied at step %d with grad norm %.4f, scale %.0f%n",
            first.loss(), fp32Loss, r.step(), r.gradNorm(), s.lossScaler().scale());
        assertThat(first.loss()).isCloseTo(fp32Loss, org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.applied()).as("an fp16 step is applied once the scale has backed off").isTrue();
        assertThat(s.lossScaler().skippedSteps()).isEqualTo(r.step() - 1);
        assertThat(Double.isFinite(r.gradNorm())).isTrue();
        assertThat(model.parameters().values()).allMatch(p -> p.getArray().getDataType() == DataType.FLOAT32);
        assertThat(model.parameters().entrySet().stream().filter(e -> e.getKey().contains("lora_B"))
            .anyMatch(e -> e.getValue().getArray().abs().sum().getFloat() > 0)).isTrue();
      }
    }
  }
}
