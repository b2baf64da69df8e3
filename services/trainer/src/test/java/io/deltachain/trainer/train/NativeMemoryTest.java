package io.deltachain.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.Generator;
import io.deltachain.trainer.model.LoraConfig;
import io.deltachain.trainer.model.Nf4Quantizer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

  @Test
  @DisplayName("training steps, evaluation and generation leave no native arrays behind in the model's manager")
  void noArraysAccumulate() {
    try (CausalLm model = TestModels.tinyModel(4)) {
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.QLORA).setSteps(8).optBatch(2, 32)
          .optLora(new LoraConfig(4, 8, 0.1, java.util.List.of("q_proj", "up_proj"))).optGradClip(0.5, 0.2)
          .optGradientAccumulation(2).build();
      try (TrainingSession s = new TrainingSession(model, cfg, TestModels.shard(0, 2, 32), new Nf4Quantizer())) {
        Generator g = new Generator(model);
        var held = TestModels.heldOut(1, 2, 32);
        for (int i = 0; i < 2; i++) {
          s.trainStep();
          s.evaluate(held);
          g.generate(new int[] {65, 66}, 3, 0.8, 10, 1, -1);
        }
        int before = model.manager().getManagedArrays().size();
        for (int i = 0; i < 4; i++) {
          s.trainStep();
          s.evaluate(held);
          g.generate(new int[] {65, 66}, 3, 0.8, 10, 1, -1);
        }
        assertThat(model.manager().getManagedArrays().size()).isEqualTo(before);
      }
    }
  }
}
