package io.deltachain.trainer.train;

import io.deltachain.core.profile.TrainingMode;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.model.CausalLm;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LayerRangeTest {

  @Test
  @DisplayName("a FULL run restricted to layer 1 changes every tensor of layer 1 and nothing else")
  void rangeRestrictedFullRun() {
    try (CausalLm model = TestModels.tinyModel(21)) {
      Map<String, float[]> before = TestModels.snapshot(model);
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.FULL).setSteps(3).optBatch(4, 32)
          .optLayerRange(1, 1).optSeed(21).build();
      try (TrainingSession s = new TrainingSession(model, cfg, TestModels.shard(2, 4, 32), null)) {
        for (int i = 0; i < 3; i++) {
          s.trainStep();
        }
      }
      Map<String, float[]> after = TestModels.snapshot(model);
      for (String name : before.keySet()) {
        boolean changed = !Arrays.equals(before.get(name), after.get(name));
        assertThat(changed).as(name).isEqualTo(CausalLm.layerOf(name) == 1);
      }
    }
  }

  @Test
  @DisplayName("STAGED unfreezes the range from the top down on schedule and never touches layers outside it")
  void stagedUnfreezing() {
    try (CausalLm model = TestModels.tinyModel(22)) {
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.STAGED).setSteps(4).optBatch(4, 32)
          .optStaged(1, 2).optSeed(22).build();
      try (TrainingSession s = new TrainingSession(model, cfg, TestModels.shard(2, 4, 32), null)) {
        assertThat(s.trainableNames(0)).allMatch(n -> CausalLm.layerOf(n) == 1 || !n.contains("embed") && CausalLm.layerOf(n) < 0);
        assertThat(s.trainableNames(0)).noneMatch(n -> n.equals(CausalLm.EMBED));
        assertThat(s.trainableNames(2)).anyMatch(n -> CausalLm.layerOf(n) == 0).contains(CausalLm.EMBED);
        Map<String, float[]> before = TestModels.snapshot(model);
        s.trainStep();
        s.trainStep();
        Map<String, float[]> mid = TestModels.snapshot(model);
        for (String name : before.keySet()) {
          boolean changed = !Arrays.equals(before.get(name), mid.get(name));
          assertThat(changed).as("after stage 1: %s", name).isEqualTo(s.trainableNames(0).contains(name));
        }
        s.trainStep();
        Map<String, float[]> late = TestModels.snapshot(model);
        assertThat(Arrays.equals(mid.get("model.layers.0.mlp.up_proj.weight"),
            late.get("model.layers.0.mlp.up_proj.weight"))).isFalse();
      }
    }
  }
}
