package io.deltachain.validator.aggregate;

import java.util.List;

/**
 * Squared Euclidean distances between all pairs of deltas in a set, the cost centre of Krum.
 *
 * <p>Arithmetic, fixed for every validator (it must be: Krum's choice depends on it). Each block
 * of {@link CoordinateBlocks#BLOCK} coordinates is cut into chunks of {@link #LANES}
 * coordinates, zero-padded at a tensor's end. For a pair (a, b), lane l of the block holds, in
 * float, the sum over the block's chunks c (in order) of {@code (a[c][l] - b[c][l])^2}, each
 * difference and square rounded to float. The block's partial distance is the sum of its
 * lanes in double: four accumulators take lanes l = 0, 4, 8, ... / 1, 5, 9, ... / ... in
 * increasing order and are combined as {@code (t0 + t1) + (t2 + t3)}. Block partials are added
 * to the pair's total in block order, in double. A lane sums only BLOCK / LANES = 16 squares in
 * float, so the relative error of a distance stays near 1e-6, harmless for ranking, and the
 * operation sequence depends on nothing but the shapes.
 *
 * <p>Why this shape: every array in the inner loop is indexed by the same lane index, which is
 * what HotSpot's auto-vectorizer needs to emit SIMD code (a lane is independent of the hardware
 * vector width, so AVX2 and AVX-512 machines compute the same bits); only the n(n-1)/2 distinct
 * pairs are computed (Flower computes all n^2 with a fresh temporary vector each); and each
 * block of every delta is read from memory once for all pairs, since the block copies of 20
 * deltas (320 KiB) stay in L2 cache.
 */
public final class PairwiseDistances {
  /** Lanes per chunk; part of the arithmetic definition, like the block size. */
  static final int LANES = 256;

  private static final int CHUNKS = CoordinateBlocks.BLOCK / LANES;

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
    double[] totals = new double[pairs];
    // one thread adds each block's partials to the totals as it goes; several threads keep one
    // slot per block and pair (threads never share a slot) and the totals are summed afterwards,
    // in block order: the same additions in the same order either way
    boolean direct = Math.min(threads, blocks.size()) <= 1;
    double[] partials = direct ? null : new double[blocks.size() * pairs];
    CoordinateBlocks.run(blocks, threads, () -> {
      float[][][] chunks = new float[n][CHUNKS][LANES];
      float[] lanes = new float[LANES];
      return block -> {
        int s = block.segment();
        for (int i = 0; i < n; i++) {
          copyBlock(set.segment(i, s), block.start(), block.length(), chunks[i]);
        }
        int used = (block.length() + LANES - 1) / LANES;
        int base = block.index() * pairs;
        int p = 0;
        for (int i = 0; i < n; i++) {
          for (int j = i + 1; j < n; j++) {
            double partial = blockSquaredDistance(chunks[i], chunks[j], used, lanes);
            if (direct) {
              totals[p] += partial;
            } else {
              partials[base + p] = partial;
            }
            p++;
          }
        }
      };
    });
    if (!direct) {
      for (int b = 0; b < blocks.size(); b++) {
        int base = b * pairs;
        for (int p = 0; p < pairs; p++) {
          totals[p] += partials[base + p];
        }
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

  private static void copyBlock(float[] src, int start, int len, float[][] dst) {
    for (int c = 0; c < CHUNKS; c++) {
      int from = c * LANES;
      int count = Math.max(0, Math.min(LANES, len - from));
      if (count > 0) {
        System.arraycopy(src, start + from, dst[c], 0, count);
      }
      if (count < LANES) {
        java.util.Arrays.fill(dst[c], count, LANES, 0f);
      }
    }
  }

  /** The block kernel; see the class comment for its exact arithmetic. */
  static double blockSquaredDistance(float[][] a, float[][] b, int usedChunks, float[] lanes) {
    java.util.Arrays.fill(lanes, 0f);
    for (int c = 0; c < usedChunks; c++) {
      float[] x = a[c];
      float[] y = b[c];
      for (int l = 0; l < LANES; l++) {
        float d = x[l] - y[l];
        lanes[l] += d * d;
      }
    }
    double t0 = 0.0;
    double t1 = 0.0;
    double t2 = 0.0;
    double t3 = 0.0;
    for (int l = 0; l < LANES; l += 4) {
      t0 += lanes[l];
      t1 += lanes[l + 1];
      t2 += lanes[l + 2];
      t3 += lanes[l + 3];
    }
    return (t0 + t1) + (t2 + t3);
  }
}
