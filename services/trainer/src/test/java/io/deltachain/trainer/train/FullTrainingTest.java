package io.deltachain.trainer.train;

import io.deltachain.core.profile.TrainingMode;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.CausalLm;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FullTrainingTest {

  @Test
  @DisplayName("FULL training of the tiny-1m profile on Europarl cuts the loss by at least 30% within 300 steps")
  void fullTrainingLowersLoss() {
    try (CausalLm model = new CausalLm(TestModels.tiny1m(), ai.djl.Device.cpu(), 1)) {
      PackedBatches data = TestModels.shard(0, 8, 64);
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.FULL).setSteps(300)
          .optBatch(8, 64).optLearningRate(3e-3, 3e-4, 20).optSeed(1).build();
      try (TrainingSession s = new TrainingSession(model, cfg, data, null)) {
        var held = TestModels.heldOut(4, 8, 64);
        double before = s.evaluate(held);
        long t0 = System.nanoTime();
        double first = 0;
        double last = 0;
        for (int i = 0; i < cfg.steps(); i++) {
          StepResult r = s.trainStep();
          if (i == 0) {
            first = r.loss();
          }
          last = r.loss();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double after = s.evaluate(held);
        System.out.printf("FULL: held-out %.4f -> %.4f, train first %.4f last %.4f, %.1f s, %.0f tok/s%n",
            before, after, first, last, secs, s.tokens() / secs);
        assertThat(after).isLessThan(before * 0.7);
      }
    }
  }
}
