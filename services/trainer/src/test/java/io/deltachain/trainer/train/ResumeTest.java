package io.deltachain.trainer.train;

import io.deltachain.core.profile.TrainingMode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LoraConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {

  private static TrainingConfig config(TrainingMode mode) {
    return TrainingConfig.builder().setMode(mode).setSteps(8).optBatch(4, 32).optGradientAccumulation(2)
        .optLora(new LoraConfig(4, 8, 0.1, List.of("q_proj", "v_proj", "down_proj")))
        .optLearningRate(2e-3, 2e-4, 2).optGradClip(0.5, 0.3).optSeed(33).build();
  }

  private static double[] run(TrainingMode mode, Path checkpoint, int stopAt, boolean resume) throws IOException {
    try (CausalLm model = TestModels.tinyModel(33);
        TrainingSession s = new TrainingSession(model, config(mode), TestModels.shard(3, 4, 32), null)) {
      if (resume) {
        s.resume(checkpoint);
        assertThat(s.step()).isEqualTo(stopAt);
      }
      double[] losses = new double[2];
      while (s.step() < stopAt + 2) {
        StepResult r = s.trainStep();
        if (!resume && r.step() == stopAt) {
          s.saveCheckpoint(checkpoint);
        }
        if (r.step() > stopAt) {
          losses[r.step() - stopAt - 1] = r.loss();
        }
      }
      return losses;
    }
  }

  @Test
  @DisplayName("resuming FULL and LoRA (with dropout) from a checkpoint gives the same next-step losses as the uninterrupted run")
  void resumeIsExact(@TempDir Path dir) throws IOException {
    for (TrainingMode mode : new TrainingMode[] {TrainingMode.FULL, TrainingMode.LORA}) {
      Path ckpt = dir.resolve(mode.name());
      double[] straight = run(mode, ckpt, 3, false);
      double[] resumed = run(mode, ckpt, 3, true);
      System.out.printf("%s resume: uninterrupted %s, resumed %s%n", mode, java.util.Arrays.toString(straight),
          java.util.Arrays.toString(resumed));
      assertThat(resumed[0]).as(mode + " step 4").isCloseTo(straight[0], org.assertj.core.data.Offset.offset(1e-6));
      assertThat(resumed[1]).as(mode + " step 5").isCloseTo(straight[1], org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  @DisplayName("a checkpoint of another run is refused with the reason")
  void refusesForeignCheckpoint(@TempDir Path dir) throws IOException {
    run(TrainingMode.FULL, dir.resolve("c"), 1, false);
    try (CausalLm model = TestModels.tinyModel(33);
        TrainingSession s = new TrainingSession(model, config(TrainingMode.LORA), TestModels.shard(3, 4, 32), null)) {
      assertThatThrownBy(() -> s.resume(dir.resolve("c"))).isInstanceOf(IOException.class)
          .hasMessageContaining("mode");
    }
  }
}
