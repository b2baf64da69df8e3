package io.deltachain.validator.aggregate;

import static io.deltachain.validator.aggregate.AggregationFixtures.ones;
import static io.deltachain.validator.aggregate.AggregationFixtures.randomDeltas;
import static io.deltachain.validator.aggregate.AggregationFixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.delta.LoraFactors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RobustAggregatorTest {
  private final RobustAggregator single = new RobustAggregator();

  private static float[] only(AggregateResult r) {
    return r.values()[0];
  }

  @Test
  @DisplayName("the weighted mean weighs each delta by its verified tokens")
  void weightedMeanUsesTokens() {
    DeltaSet set = DeltaSet.of(List.of(vector(0f, 10f), vector(4f, -2f)), new long[] {1, 3});
    AggregateResult r = single.aggregate(set, AggregationSpec.of(AggregationMethod.WEIGHTED_MEAN, 0));
    assertThat(only(r)).containsExactly(3f, 1f);
    assertThat(r.contributors()).containsExactly(0, 1);
  }

  @Test
  @DisplayName("Krum picks the delta with the smallest sum of squared distances to its n-f-2 nearest")
  void krumScoresByHand() {
    // 1-D points 0, 1, 2, 10, 100 with f = 1: each score sums the 2 smallest squared distances
    DeltaSet set = DeltaSet.of(List.of(vector(0), vector(1), vector(2), vector(10), vector(100)), ones(5));
    AggregateResult r = single.aggregate(set, AggregationSpec.of(AggregationMethod.KRUM, 1));
    assertThat(r.krumScores()).containsExactly(5.0, 2.0, 5.0, 64.0 + 81.0, 8100.0 + 9604.0);
    assertThat(r.contributors()).containsExactly(1);
    assertThat(only(r)).containsExactly(1f);
  }

  @Test
  @DisplayName("Krum breaks ties by the lower index")
  void krumTiesGoToLowerIndex() {
    DeltaSet set = DeltaSet.of(List.of(vector(5), vector(3), vector(3), vector(5), vector(4)), ones(5));
    AggregateResult r = single.aggregate(set, AggregationSpec.of(AggregationMethod.KRUM, 1));
    // scores: 5 -> {0 (the other 5), 1} = 1; 3 -> {0, 1} = 1; 4 -> {1, 1} = 2; all 1-scores tie
    assertThat(r.contributors()).containsExactly(0);
  }

  @Test
  @DisplayName("Krum refuses n <= 2f + 2 with an error naming the bound")
  void krumNeedsEnoughDeltas() {
    DeltaSet set = DeltaSet.of(List.of(vector(0), vector(1), vector(2), vector(3)), ones(4));
    assertThatThrownBy(() -> single.aggregate(set, AggregationSpec.of(AggregationMethod.KRUM, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n > 2f + 2 = 4")
        .hasMessageContaining("n = 4");
    assertThatThrownBy(() -> single.aggregate(set, AggregationSpec.of(AggregationMethod.MULTI_KRUM, 1)))
        .hasMessageContaining("n > 2f + 2");
  }

  @Test
  @DisplayName("multi-Krum averages the n-f best-scored deltas by tokens and leaves the outlier out")
  void multiKrumDropsOutlier() {
    DeltaSet set = DeltaSet.of(List.of(vector(1), vector(2), vector(1000), vector(3), vector(2)), new long[] {1, 1, 1, 1, 4});
    AggregateResult r = single.aggregate(set, AggregationSpec.of(AggregationMethod.MULTI_KRUM, 1));
    assertThat(r.contributors()).containsExactly(0, 1, 3, 4);
    assertThat(only(r)[0]).isEqualTo((1f + 2f + 3f + 4 * 2f) / 7f);
  }

  @Test
  @DisplayName("the trimmed mean drops f values from each end of every coordinate")
  void trimmedMeanDropsExtremes() {
    DeltaSet set = DeltaSet.of(List.of(
        vector(1, -50), vector(100, 2), vector(2, 3), vector(-100, 4), vector(3, 60)), ones(5));
    AggregateResult r = single.aggregate(set, AggregationSpec.of(AggregationMethod.TRIMMED_MEAN, 1));
    assertThat(only(r)).containsExactly(2f, 3f);
  }

  @Test
  @DisplayName("the trimmed mean with beta cuts floor(beta n) per side, like Flower's proportiontocut")
  void trimmedMeanBeta() {
    List<LayerDelta> ds = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ds.add(vector(i == 0 ? -1e6f : i == 9 ? 1e6f : i == 8 ? 5e5f : i));
    }
    AggregateResult r = single.aggregate(DeltaSet.of(ds, ones(10)), AggregationSpec.trimmedMeanBeta(0.2));
    // sorted: -1e6, 1..7, 5e5, 1e6; cut 2 per side keeps 2..7
    assertThat(only(r)[0]).isEqualTo((2f + 3 + 4 + 5 + 6 + 7) / 6f);
    assertThatThrownBy(() -> single.aggregate(DeltaSet.of(ds.subList(0, 4), ones(4)),
        new AggregationSpec(AggregationMethod.TRIMMED_MEAN, 0, 2, -1, 0)))
        .hasMessageContaining("needs more than 4 deltas");
  }

  @Test
  @DisplayName("the coordinate median takes the middle value, or the mean of the two middle values for even n")
  void median() {
    DeltaSet odd = DeltaSet.of(List.of(vector(5, 1), vector(-3, 2), vector(9, 3)), ones(3));
    assertThat(only(single.aggregate(odd, AggregationSpec.of(AggregationMethod.COORDINATE_MEDIAN, 0)))).containsExactly(5f, 2f);
    DeltaSet even = DeltaSet.of(List.of(vector(5, 1), vector(-3, 2), vector(9, 3), vector(100, 0.5f)), ones(4));
    assertThat(only(single.aggregate(even, AggregationSpec.of(AggregationMethod.COORDINATE_MEDIAN, 0)))).containsExactly(7f, 1.5f);
  }

  @Test
  @DisplayName("block-wise distances agree with a naive double computation to float precision")
  void distancesMatchNaive() {
    List<LayerDelta> ds = randomDeltas(6, 3);
    DeltaSet set = DeltaSet.of(ds, ones(6));
    double[][] d = PairwiseDistances.compute(set, 1);
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        double naive = 0;
        for (String name : ds.get(i).tensors().keySet()) {
          float[] a = ds.get(i).tensor(name).values();
          float[] b = ds.get(j).tensor(name).values();
          for (int k = 0; k < a.length; k++) {
            naive += ((double) a[k] - b[k]) * ((double) a[k] - b[k]);
          }
        }
        assertThat(d[i][j]).isCloseTo(naive, within(2e-6 * naive + 1e-30));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = AggregationMethod.class, names = {"WEIGHTED_MEAN", "KRUM", "MULTI_KRUM", "TRIMMED_MEAN", "COORDINATE_MEDIAN"})
  @DisplayName("a multi-threaded aggregation produces the same bits as a single-threaded one")
  void threadsDoNotChangeBits(AggregationMethod method) {
    List<LayerDelta> ds = randomDeltas(11, 42);
    long[] tokens = new long[11];
    for (int i = 0; i < 11; i++) {
      tokens[i] = 1000 + 37L * i;
    }
    DeltaSet set = DeltaSet.of(ds, tokens);
    AggregationSpec spec = AggregationSpec.of(method, 2);
    AggregateResult a = single.aggregate(set, spec);
    for (int threads : new int[] {2, 3, 7}) {
      AggregateResult b = new RobustAggregator(threads).aggregate(set, spec);
      assertThat(b.contributors()).containsExactly(a.contributors());
      assertThat(Arrays.equals(b.krumScores(), a.krumScores())).isTrue();
      for (int s = 0; s < a.values().length; s++) {
        assertThat(bits(b.values()[s])).as("%s with %d threads, tensor %d", method, threads, s).isEqualTo(bits(a.values()[s]));
      }
    }
  }

  @Test
  @DisplayName("LoRA factors map to (alpha / r) * B * A before aggregation")
  void loraMapsToDense() {
    SplittableRandom rnd = new SplittableRandom(5);
    DenseTensor a = AggregationFixtures.random(rnd, 4, 9);
    DenseTensor b = AggregationFixtures.random(rnd, 7, 4);
    DenseTensor dense = new LoraFactors(a, b, 8f).toDense();
    assertThat(dense.shape()).containsExactly(7, 9);
    for (int o = 0; o < 7; o++) {
      for (int i = 0; i < 9; i++) {
        double expected = 0;
        for (int k = 0; k < 4; k++) {
          expected += (double) b.values()[o * 4 + k] * a.values()[k * 9 + i];
        }
        assertThat((double) dense.values()[o * 9 + i]).isCloseTo(expected * 2.0, within(1e-6 * Math.max(1e-3, Math.abs(expected))));
      }
    }
    assertThatThrownBy(() -> new LoraFactors(a, AggregationFixtures.random(rnd, 7, 3), 8f))
        .hasMessageContaining("rank mismatch");
  }

  @Test
  @DisplayName("a NaN delta is refused before it can poison the aggregate, naming delta, tensor and index")
  void rejectsNonFinite() {
    assertThatThrownBy(() -> DeltaSet.of(List.of(vector(1, 2), vector(3, Float.NaN)), ones(2)))
        .hasMessageContaining("delta 1")
        .hasMessageContaining("model.layers.0.w")
        .hasMessageContaining("index 1");
    assertThatThrownBy(() -> DeltaSet.of(List.of(vector(1, 2), vector(3)), ones(2)))
        .hasMessageContaining("shape");
    assertThatThrownBy(() -> DeltaSet.of(List.of(vector(1), vector(3)), new long[] {1, 0}))
        .hasMessageContaining("verified tokens must be positive");
  }

  @Test
  @DisplayName("the checkpoint is base plus aggregate with negative zeros made positive")
  void checkpointCanonicalizesZero() {
    DeltaSet set = DeltaSet.of(List.of(vector(-1f, 0.5f, -0f)), ones(1));
    AggregateResult r = single.aggregate(set, AggregationSpec.of(AggregationMethod.WEIGHTED_MEAN, 0));
    Map<String, DenseTensor> base = new TreeMap<>(Map.of(
        "model.layers.0.w", new DenseTensor(new int[] {3}, new float[] {1f, 1f, -0f}),
        "model.layers.0.norm", new DenseTensor(new int[] {1}, new float[] {-0f})));
    SortedMap<String, DenseTensor> ckpt = CheckpointBuilder.apply(base, r);
    assertThat(ckpt.keySet()).containsExactly("model.layers.0.norm", "model.layers.0.w");
    assertThat(bits(ckpt.get("model.layers.0.w").values())).containsExactly(0, Float.floatToRawIntBits(1.5f), 0);
    assertThat(bits(ckpt.get("model.layers.0.norm").values())).containsExactly(0);
  }

  private static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int k = 0; k < v.length; k++) {
      out[k] = Float.floatToRawIntBits(v[k]);
    }
    return out;
  }
}
