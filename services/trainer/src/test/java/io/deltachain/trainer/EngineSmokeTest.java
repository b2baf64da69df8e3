package io.deltachain.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {

  @Test
  @DisplayName("the PyTorch engine loads offline from the Maven native jar and computes")
  void pytorchEngineLoadsOffline() {
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager m = engine.newBaseManager()) {
      NDArray a = m.create(new float[] {1f, 2f, 3f});
      assertThat(a.mul(2).sum().getFloat()).isEqualTo(12f);
    }
  }
}
