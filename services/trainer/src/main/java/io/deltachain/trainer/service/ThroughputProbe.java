package io.deltachain.trainer.service;

import ai.djl.Device;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.train.TrainingConfig;
import io.deltachain.trainer.train.TrainingSession;
import java.util.SplittableRandom;

/** Measures this node's training tokens/s on the tiny-1m profile (FULL, batch 4 x 128). */
public final class ThroughputProbe {
  private ThroughputProbe() {
  }

  /**
   * Runs two warm-up and four timed steps.
   *
   * @param device the device
   * @return tokens per second
   */
  public static double measure(Device device) {
    int batch = 4;
    int length = 128;
    int[] stream = new SplittableRandom(1).ints(batch * length * 8 + 1, 1, 256).toArray();
    try (CausalLm model = new CausalLm(ModelProfiles.bundled("tiny-1m"), device, 1)) {
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.FULL).setSteps(6).optBatch(batch, length)
          .build();
      try (TrainingSession s = new TrainingSession(model, cfg,
          new PackedBatches(stream, batch, length, 1, "probe"), null)) {
        s.trainStep();
        s.trainStep();
        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) {
          s.trainStep();
        }
        return 4.0 * batch * length / ((System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
