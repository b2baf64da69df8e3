package io.deltachain.validator.aggregate;

import java.util.List;

/**
 * Squared Euclidean distances between all pairs of deltas in a set, the cost centre of Krum.
 *
 * <p>Arithmetic, fixed for every validator: within a block each pair's sum of
 * {@code ((double) a - (double) b)^2} runs over four interleaved double accumulators (value k
 * goes to accumulator k mod 4 of the block), combined as {@code (s0 + s1) + (s2 + s3)}; block
 * sums are added to the pair's total in block order. Differences of two floats are exact in
 * double, so the only roundings are the squares and the additions, all in that fixed order.
 *
 * <p>Speed: only the n(n-1)/2 distinct pairs are computed (Flower computes all n^2 with a
 * fresh temporary vector each), and each block of every delta is read from memory once for all
 * pairs, since a block of 20 deltas fits in L2 cache.
 */
public final class PairwiseDistances {
  private PairwiseDistances() {}

  /**
   * The symmetric n x n matrix of squared distances (zero diagonal).
   *
   * @param threads worker threads; the result is the same for every value
   */
  public static double[][] compute(DeltaSet set, int threads) {
    int n = set.size();
    int pairs = n * (n - 1) / 2;
    List<CoordinateBlocks.Block> blocks = CoordinateBlocks.of(set);
    // one slot per block and pair: threads never share a slot, the final sum runs in block order
    double[] partials = new double[blocks.size() * pairs];
    CoordinateBlocks.run(blocks, threads, () -> block -> {
      int base = block.index() * pairs;
      int p = 0;
      int s = block.segment();
      for (int i = 0; i < n; i++) {
        float[] a = set.segment(i, s);
        for (int j = i + 1; j < n; j++) {
          partials[base + p] = blockSquaredDistance(a, set.segment(j, s), block.start(), block.end());
          p++;
        }
      }
    });
    double[] totals = new double[pairs];
    for (int b = 0; b < blocks.size(); b++) {
      int base = b * pairs;
      for (int p = 0; p < pairs; p++) {
        totals[p] += partials[base + p];
      }
    }
    double[][] d = new double[n][n];
    int p = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        d[i][j] = totals[p];
        d[j][i] = totals[p];
        p++;
      }
    }
    return d;
  }

  /** The block kernel; see the class comment for its exact arithmetic. */
  static double blockSquaredDistance(float[] a, float[] b, int start, int end) {
    double s0 = 0.0;
    double s1 = 0.0;
    double s2 = 0.0;
    double s3 = 0.0;
    int k = start;
    for (; k + 3 < end; k += 4) {
      double d0 = (double) a[k] - (double) b[k];
      double d1 = (double) a[k + 1] - (double) b[k + 1];
      double d2 = (double) a[k + 2] - (double) b[k + 2];
      double d3 = (double) a[k + 3] - (double) b[k + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (int lane = 0; k < end; k++, lane++) {
      double d = (double) a[k] - (double) b[k];
      switch (lane) {
        case 0 -> s0 += d * d;
        case 1 -> s1 += d * d;
        default -> s2 += d * d;
      }
    }
    return (s0 + s1) + (s2 + s3);
  }
}
