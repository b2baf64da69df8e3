package io.deltachain.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.CausalLmLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClippingTest {

  @Test
  @DisplayName("per-layer clipping scales each layer's gradient (negative entries too) down to its limit")
  void perLayer() {
    Map<Integer, Double> norms = clip(0, 0.02);
    assertThat(norms.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(0.02 + 1e-6));
    assertThat(norms.values()).anySatisfy(n -> assertThat(n).isCloseTo(0.02, Offset.offset(1e-5)));
  }

  @Test
  @DisplayName("global clipping scales the whole gradient to the global limit")
  void global() {
    Map<Integer, Double> norms = clip(0.05, 0);
    double total = Math.sqrt(norms.values().stream().mapToDouble(n -> n * n).sum());
    assertThat(total).isCloseTo(0.05, Offset.offset(1e-5));
  }

  /** Backward on one batch, clip, return the norm per layer group after clipping. */
  private static Map<Integer, Double> clip(double global, double perLayer) {
    try (CausalLm model = TestModels.tinyModel(12)) {
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.FULL).setSteps(1).optBatch(4, 32)
          .optGradClip(global, perLayer).build();
      try (TrainingSession s = new TrainingSession(model, cfg, TestModels.shard(0, 4, 32), null);
          NDManager m = model.manager().newSubManager()) {
        Batch b = TestModels.shard(0, 4, 32).next();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray in = m.create(b.flatInputs(), new Shape(4, 32));
          NDArray lab = m.create(b.flatLabels(), new Shape(4, 32));
          gc.backward(CausalLmLoss.crossEntropy(model.forward(in, null, true), lab));
        }
        Map<String, Parameter> trainable = new LinkedHashMap<>(model.parameters());
        Map<String, float[]> before = new LinkedHashMap<>();
        trainable.forEach((k, p) -> {
          try (NDArray g = p.getArray().getGradient()) {
            before.put(k, g.toFloatArray());
          }
        });
        TrainingSession.ClipResult r = s.clipGradients(trainable, 1.0);
        Map<Integer, Double> layerSq = new TreeMap<>();
        for (var e : r.gradients().entrySet()) {
          float[] after = e.getValue().toFloatArray();
          float[] old = before.get(e.getKey());
          double sq = 0;
          for (int i = 0; i < after.length; i++) {
            sq += (double) after[i] * after[i];
            if (old[i] < -1e-6f) {
              // same direction, shrunk: not clamped to a bound
              assertThat(after[i]).isNegative().isGreaterThanOrEqualTo(old[i]);
            }
          }
          layerSq.merge(CausalLm.layerOf(e.getKey()), sq, Double::sum);
          e.getValue().close();
        }
        assertThat(r.globalNorm()).as("raw norm exceeds the limits in this setup").isGreaterThan(0.1);
        Map<Integer, Double> norms = new TreeMap<>();
        layerSq.forEach((k, v) -> norms.put(k, Math.sqrt(v)));
        return norms;
      }
    }
  }
}
