package io.deltachain.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.CausalLmLoss;
import io.deltachain.trainer.model.LoraConfig;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationCheckpointingTest {

  private record Grads(float loss, Map<String, float[]> byName) {}

  private static Grads gradients(String what, boolean checkpointed) {
    try (CausalLm model = new CausalLm(TestModels.tiny1m(), ai.djl.Device.cpu(), 5)) {
      int layers = model.spec().numLayers();
      Predicate<String> trainable = switch (what) {
        case "full" -> name -> true;
        case "lora" -> name -> name.contains(".lora_");
        case "top-layer" -> name -> CausalLm.layerOf(name) == layers - 1;
        default -> throw new IllegalArgumentException(what);
      };
      if (what.equals("lora")) {
        model.attachLora(LoraConfig.allLinear(4, 8), 0, layers - 1, 9);
        // lora_B starts at zero, which would leave lora_A without gradient.
        model.parameters().forEach((name, p) -> {
          if (name.contains("lora_B")) {
            p.getArray().addi(p.getArray().getManager().full(p.getArray().getShape(), 0.02f));
          }
        });
      }
      model.setTrainable(trainable);
      Batch batch = TestModels.shard(1, 4, 64).next();
      float loss;
      try (NDManager step = model.manager().newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray inputs = step.create(batch.flatInputs(), new Shape(batch.size(), batch.length()));
        NDArray labels = step.create(batch.flatLabels(), new Shape(batch.size(), batch.length()));
        if (checkpointed) {
          loss = model.checkpointedBackward(inputs, labels, 1.0, collector, layer -> { });
        } else {
          NDArray l = CausalLmLoss.crossEntropy(model.forward(inputs, null, true), labels);
          loss = l.getFloat();
          collector.backward(l);
        }
      }
      Map<String, float[]> out = new TreeMap<>();
      model.parameters().forEach((name, p) -> {
        if (p.requiresGradient()) {
          out.put(name, p.getArray().getGradient().toFloatArray());
        }
      });
      return new Grads(loss, out);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"full", "lora", "top-layer"})
  @DisplayName("checkpointed backward gives the loss and every gradient of the plain backward")
  void sameGradients(String what) {
    Grads plain = gradients(what, false);
    Grads ckpt = gradients(what, true);
    assertThat(ckpt.loss()).isEqualTo(plain.loss());
    assertThat(ckpt.byName().keySet()).isEqualTo(plain.byName().keySet()).isNotEmpty();
    for (String name : plain.byName().keySet()) {
      float[] a = plain.byName().get(name);
      float[] b = ckpt.byName().get(name);
      double norm = 0;
      double diff = 0;
      for (int i = 0; i < a.length; i++) {
        norm += (double) a[i] * a[i];
        diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
      }
      assertThat(norm).as("gradient of %s is not zero", name).isGreaterThan(0);
      // Only the summation order of the tied embedding's two contributions may differ.
      assertThat(Math.sqrt(diff / norm)).as("relative gradient error of %s", name).isLessThan(1e-6);
    }
  }

  @Test
  @DisplayName("a FULL run with checkpointing follows the same loss curve as one without")
  void sameTraining() {
    double[][] curves = new double[2][];
    for (int c = 0; c < 2; c++) {
      try (CausalLm model = new CausalLm(TestModels.tiny1m(), ai.djl.Device.cpu(), 3)) {
        TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.FULL).setSteps(15).optBatch(4, 64)
            .optLearningRate(3e-3, 3e-4, 3).optGradientAccumulation(2).optSeed(3)
            .optActivationCheckpointing(c == 1).build();
        try (TrainingSession s = new TrainingSession(model, cfg, TestModels.shard(0, 4, 64), null)) {
          curves[c] = new double[cfg.steps()];
          for (int i = 0; i < cfg.steps(); i++) {
            curves[c][i] = s.trainStep().loss();
          }
        }
      }
    }
    System.out.printf("loss without checkpointing %.5f -> %.5f, with %.5f -> %.5f%n",
        curves[0][0], curves[0][14], curves[1][0], curves[1][14]);
    assertThat(curves[1][14]).isLessThan(curves[1][0] - 0.5);
    for (int i = 0; i < curves[0].length; i++) {
      assertThat(curves[1][i]).as("loss at step %d", i).isCloseTo(curves[0][i], org.assertj.core.data.Offset.offset(1e-3));
    }
  }
}
