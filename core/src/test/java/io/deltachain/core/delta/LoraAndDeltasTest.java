package io.deltachain.core.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tensor.FloatTensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoraAndDeltasTest {
  static final ContentHash BASE = ContentHash.sha256(new byte[] {1, 2, 3});

  @Test
  @DisplayName("LoRA to dense equals alpha/r times B·A, computed by hand")
  void loraByHand() {
    // A = [[1,2,3],[4,5,6]] (r=2, in=3); B = [[1,0],[0,1],[1,-0.5]] (out=3); alpha=4 -> scale 2
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {1, 0, 0, 1, 1, -0.5f};
    // B·A = [[1,2,3],[4,5,6],[1-2, 2-2.5, 3-3]] = [[1,2,3],[4,5,6],[-1,-0.5,0]]
    float[] w = Lora.toDense(a, b, 4f, 2, 3, 3);
    assertThat(w).containsExactly(2, 4, 6, 8, 10, 12, -2, -1, 0);
    FloatTensor t = Lora.toDense(FloatTensor.of(a, 2, 3), FloatTensor.of(b, 3, 2), 4f);
    assertThat(t.shape()).containsExactly(3, 3);
    assertThat(t.data()).isEqualTo(w);
    assertThatThrownBy(() -> Lora.toDense(FloatTensor.of(a, 2, 3), FloatTensor.of(a, 2, 3), 1f))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[r, in]");
  }

  @Test
  @DisplayName("applying a delta adds it in place or into a copy")
  void applyArrays() {
    float[] base = {1, 2, 3};
    float[] sum = Deltas.apply(base, new float[] {0.5f, -2, 0});
    assertThat(sum).containsExactly(1.5f, 0, 3);
    assertThat(base).containsExactly(1, 2, 3);
    Deltas.applyInPlace(base, new float[] {1, 1, 1});
    assertThat(base).containsExactly(2, 3, 4);
    Deltas.applyInPlace(base, new SparseVector(3, new int[] {2}, new float[] {-4}));
    assertThat(base).containsExactly(2, 3, 0);
    assertThatThrownBy(() -> Deltas.applyInPlace(base, new float[2])).hasMessageContaining("2 values");
  }

  @Test
  @DisplayName("a LoRA delta file merges into base weights as W + alpha/r · B·A")
  void applyLoraDeltaFile() {
    String module = "model.layers.0.self_attn.q_proj";
    DeltaMetadata m = DeltaMetadata.builder().setKind(DeltaKind.LORA).setLayer("model.layers.0")
        .setModules(List.of(module)).setBaseHash(BASE).setRoundId(1).setTrainerId("t")
        .setLora(1, 2f, List.of("q_proj")).build();
    DeltaFile d = DeltaFile.of(m, Map.of(
        module + ".lora_A.weight", FloatTensor.of(new float[] {1, 2}, 1, 2),
        module + ".lora_B.weight", FloatTensor.of(new float[] {3, -1}, 2, 1)));
    Map<String, FloatTensor> base = new HashMap<>();
    base.put(module + ".weight", FloatTensor.of(new float[] {10, 10, 10, 10}, 2, 2));
    Deltas.applyInPlace(base, d);
    // scale 2; B·A = [[3,6],[-1,-2]]
    assertThat(base.get(module + ".weight").data()).containsExactly(16, 22, 8, 6);

    Map<String, FloatTensor> missing = new HashMap<>();
    assertThatThrownBy(() -> Deltas.applyInPlace(missing, d)).isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining(module + ".weight");
    Map<String, FloatTensor> wrong = Map.of(module + ".weight", FloatTensor.zeros(2, 3));
    assertThatThrownBy(() -> Deltas.applyInPlace(wrong, d)).hasMessageContaining("[2, 2]");
  }

  @Test
  @DisplayName("a sparse delta file scatters its kept entries into the base weights")
  void applySparseDeltaFile() {
    String w = "model.layers.2.mlp.up_proj.weight";
    DeltaMetadata m = DeltaMetadata.builder().setKind(DeltaKind.SPARSE).setLayer("model.layers.2")
        .setModules(List.of("model.layers.2.mlp.up_proj")).setBaseHash(BASE).setRoundId(1).setTrainerId("t")
        .setSparseDensity(0.5).build();
    DeltaFile d = DeltaFile.sparse(m, Map.of(w,
        new SparseTensor(new long[] {2, 2}, new SparseVector(4, new int[] {1, 3}, new float[] {5, -5}))));
    Map<String, FloatTensor> base = Map.of(w, FloatTensor.of(new float[] {1, 1, 1, 1}, 2, 2));
    Deltas.applyInPlace(base, d);
    assertThat(base.get(w).data()).containsExactly(1, 6, 1, -4);
    assertThat(Deltas.denseUpdates(d).get(w).data()).containsExactly(0, 5, 0, -5);
  }
}
