package io.deltachain.trainer.train;

import io.deltachain.core.profile.TrainingMode;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LoraConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AdapterTrainingTest {

  private static TrainingConfig lora(int steps) {
    return TrainingConfig.builder().setMode(TrainingMode.LORA).setSteps(steps).optBatch(8, 64)
        .optLora(new LoraConfig(8, 16, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
            "up_proj", "down_proj")))
        .optLearningRate(1e-2, 2e-3, 3).optSeed(5).build();
  }

  @Test
  @DisplayName("LoRA on a briefly pre-trained base lowers held-out loss, changes only adapters and merges exactly")
  void loraTrainsOnlyAdaptersAndMerges() {
    List<Batch> held = TestModels.heldOut(4, 8, 64);
    try (CausalLm model = TestModels.pretrainedModel()) {
      Map<String, float[]> base = TestModels.snapshot(model);
      double before = TrainingSession.evaluate(model, held);
      try (TrainingSession s = new TrainingSession(model, lora(150), TestModels.shard(1, 8, 64), null)) {
        assertThat(s.trainableNames(0)).isNotEmpty().allMatch(n -> n.contains(".lora_"));
        for (int i = 0; i < 150; i++) {
          s.trainStep();
        }
        double after = s.evaluate(held);
        System.out.printf("LoRA: held-out loss %.4f -> %.4f%n", before, after);
        // The pre-trained base differs a little between JVMs that ran different tests first (seen:
        // held-out 3.27 vs 3.61), so the gain is asserted as a clear decrease, not a fixed size.
        assertThat(after).isLessThan(before - 0.005);
      }
      Map<String, float[]> now = TestModels.snapshot(model);
      for (Map.Entry<String, float[]> e : base.entrySet()) {
        assertThat(Arrays.equals(e.getValue(), now.get(e.getKey())))
            .as("base tensor %s is bitwise unchanged", e.getKey()).isTrue();
      }
      long adapters = now.keySet().stream().filter(n -> n.contains(".lora_")).count();
      assertThat(adapters).isEqualTo(2L * 7 * model.spec().numLayers());
      for (String name : now.keySet()) {
        if (name.contains(".lora_B")) {
          assertThat(now.get(name)).as("adapter %s moved from zero", name).isNotEqualTo(
              new float[now.get(name).length]);
        }
      }

      float[] withAdapter = TestModels.probeLogits(model);
      Map<String, float[]> merged = model.mergedWeights();
      try (CausalLm plain = TestModels.tinyModel(99)) {
        merged.forEach((k, v) -> plain.setWeight(k, v, plain.parameters().get(k).getArray().getShape()));
        float diff = TestModels.maxAbsDiff(withAdapter, TestModels.probeLogits(plain));
        System.out.printf("merged LoRA vs base+adapter: max |logit diff| = %.3g%n", diff);
        assertThat(diff).isLessThan(1e-4f);
      }
    }
  }
}
