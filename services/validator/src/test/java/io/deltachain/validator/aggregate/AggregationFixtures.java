package io.deltachain.validator.aggregate;

import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Small builders for aggregation tests. */
final class AggregationFixtures {
  private AggregationFixtures() {}

  /** A one-tensor layer delta holding the given values. */
  static LayerDelta vector(float... values) {
    return new LayerDelta("model.layers.0", Map.of("model.layers.0.w", new DenseTensor(new int[] {values.length}, values)));
  }

  /** n random deltas of two tensors whose sizes are not multiples of the block size. */
  static List<LayerDelta> randomDeltas(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<LayerDelta> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, DenseTensor> t = new TreeMap<>();
      t.put("model.layers.2.mlp.down_proj.weight", random(rnd, 37, 301));
      t.put("model.layers.2.self_attn.q_proj.weight", random(rnd, 3 * CoordinateBlocks.BLOCK + 5));
      out.add(new LayerDelta("model.layers.2", t));
    }
    return out;
  }

  static DenseTensor random(SplittableRandom rnd, int... shape) {
    int numel = 1;
    for (int d : shape) {
      numel *= d;
    }
    float[] v = new float[numel];
    for (int k = 0; k < numel; k++) {
      v[k] = (float) (rnd.nextGaussian() * 1e-2);
    }
    return new DenseTensor(shape, v);
  }

  static long[] ones(int n) {
    long[] w = new long[n];
    java.util.Arrays.fill(w, 1);
    return w;
  }
}
