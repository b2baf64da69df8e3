package io.deltachain.core.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TopKTest {

  @Test
  @DisplayName("keeps the largest magnitudes, lower index first on ties, indices ascending")
  void selection() {
    SparseVector s = TopK.sparsify(new float[] {0.1f, -5f, 3f, -3f, 0f}, 2);
    assertThat(s.indices()).containsExactly(1, 2);
    assertThat(s.values()).containsExactly(-5f, 3f);
    SparseVector ties = TopK.sparsify(new float[] {1f, -1f, 1f, 1f}, 3);
    assertThat(ties.indices()).containsExactly(0, 1, 2);
    assertThat(TopK.sparsify(new float[] {1f, 2f}, 0).size()).isZero();
    assertThat(TopK.sparsify(new float[] {1f, 2f}, 2).indices()).containsExactly(0, 1);
    assertThat(TopK.sparsify(new float[] {0f, -0f, 0f}, 2).indices()).containsExactly(0, 1);
  }

  @Test
  @DisplayName("agrees with a full sort on large inputs full of duplicates")
  void matchesSort() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + rnd.nextInt(20_000);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = trial % 2 == 0 ? (float) rnd.nextGaussian() : rnd.nextInt(7) - 3; // many ties
      }
      int k = rnd.nextInt(n + 1);
      Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
      Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -Math.abs(v[i])).thenComparingInt(i -> i));
      int[] expected = Arrays.stream(order, 0, k).mapToInt(Integer::intValue).sorted().toArray();
      assertThat(TopK.sparsify(v, k).indices()).as("n=%d k=%d", n, k).containsExactly(expected);
    }
  }

  @Test
  @DisplayName("error feedback: kept + new residual equals input + old residual, bit for bit, every round")
  void residualIsExact() {
    SplittableRandom rnd = new SplittableRandom(3);
    int n = 1000;
    float[] residual = new float[n];
    for (int round = 0; round < 10; round++) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) rnd.nextGaussian();
      }
      float[] before = residual.clone();
      SparseVector s = TopK.sparsify(v, 50, residual);
      float[] kept = s.toDense();
      for (int i = 0; i < n; i++) {
        float expected = v[i] + before[i];
        assertThat(kept[i] + residual[i]).isEqualTo(expected);
        assertThat(kept[i] == 0f || residual[i] == 0f).isTrue();
      }
    }
  }

  @Test
  @DisplayName("error feedback loses nothing over many rounds: everything sent plus what is left equals everything given")
  void residualAccumulates() {
    // small integers keep every float sum exact, so the totals must match exactly
    SplittableRandom rnd = new SplittableRandom(4);
    int n = 500;
    float[] residual = new float[n];
    float[] given = new float[n];
    float[] sent = new float[n];
    for (int round = 0; round < 30; round++) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = rnd.nextInt(21) - 10;
        given[i] += v[i];
      }
      SparseVector s = TopK.sparsify(v, 25, residual);
      for (int j = 0; j < s.size(); j++) {
        sent[s.indices()[j]] += s.values()[j];
      }
    }
    for (int i = 0; i < n; i++) {
      assertThat(sent[i] + residual[i]).isEqualTo(given[i]);
    }
    // a small entry that is never large enough on its own is eventually sent through accumulation
    float[] r = new float[3];
    float[] v = {10f, 9f, 1f};
    boolean smallSent = false;
    for (int round = 0; round < 20 && !smallSent; round++) {
      smallSent = Arrays.stream(TopK.sparsify(v, 1, r).indices()).anyMatch(i -> i == 2);
    }
    assertThat(smallSent).isTrue();
  }

  @Test
  @DisplayName("bad arguments are refused")
  void validation() {
    assertThatThrownBy(() -> TopK.sparsify(new float[3], 4)).hasMessageContaining("k = 4");
    assertThatThrownBy(() -> TopK.sparsify(new float[3], 1, new float[2])).hasMessageContaining("residual");
    assertThatThrownBy(() -> TopK.sparsify(new float[] {1f, Float.NaN}, 1)).hasMessageContaining("index 1");
  }
}
