package io.deltachain.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.data.Batch;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A garbage collection between forward and backward must not change the gradients. Before
 * {@link Scalars}, DJL's {@code mul(Number)}/{@code pow(Number)} left autograd holding scalars in
 * freed direct buffers, and this test produced NaN gradients in every parameter on every run.
 */
class ScalarLifetimeTest {

  private static void collectAndChurn() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      // Fresh native allocations of the same sizes reuse the freed blocks, overwriting them.
      byte[][] junk = new byte[64][];
      for (int j = 0; j < junk.length; j++) {
        junk[j] = new byte[1 << 16];
      }
      try (NDManager m = NDManager.newBaseManager()) {
        for (int j = 0; j < 256; j++) {
          m.create(new float[] {Float.NaN}).close();
        }
      }
    }
  }

  private static Map<String, float[]> gradients(boolean lora, boolean gcBetween) {
    try (CausalLm model = new CausalLm(TestModels.tiny1m(), ai.djl.Device.cpu(), 1)) {
      if (lora) {
        model.attachLora(LoraConfig.allLinear(4, 8), 0, model.spec().numLayers() - 1, 3);
        // lora_B starts at zero, which would hide a corrupted scaling factor in A's gradient.
        model.parameters().forEach((name, p) -> {
          if (name.contains("lora_B")) {
            p.getArray().addi(p.getArray().getManager().full(p.getArray().getShape(), 0.01f));
          }
        });
        model.setTrainable(name -> name.contains(".lora_"));
      } else {
        model.setTrainable(name -> true);
      }
      Batch batch = TestModels.shard(0, 4, 64).next();
      try (NDManager step = model.manager().newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray inputs = step.create(batch.flatInputs(), new Shape(batch.size(), batch.length()));
        NDArray labels = step.create(batch.flatLabels(), new Shape(batch.size(), batch.length()));
        NDArray logits = model.forward(inputs, null, false);
        if (gcBetween) {
          collectAndChurn();
        }
        collector.backward(Scalars.mul(CausalLmLoss.crossEntropy(logits, labels), 0.5));
      }
      Map<String, float[]> out = new TreeMap<>();
      model.parameters().forEach((name, p) -> {
        if (p.requiresGradient()) {
          out.put(name, p.getArray().getGradient().toFloatArray());
        }
      });
      return out;
    }
  }

  @ParameterizedTest(name = "lora={0}")
  @ValueSource(booleans = {false, true})
  void gradientsSurviveGarbageCollection(boolean lora) {
    Map<String, float[]> quiet = gradients(lora, false);
    Map<String, float[]> collected = gradients(lora, true);
    assertThat(collected.keySet()).isEqualTo(quiet.keySet()).isNotEmpty();
    for (String name : quiet.keySet()) {
      float[] a = quiet.get(name);
      float[] b = collected.get(name);
      for (float v : b) {
        assertThat(Float.isFinite(v)).as("finite gradient of %s", name).isTrue();
      }
      assertThat(b).as("gradient of %s after a GC between forward and backward", name).containsExactly(a);
    }
  }
}
