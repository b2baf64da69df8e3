package io.deltachain.validator.aggregate;

import io.deltachain.core.tx.proto.AggregationMethod;
import java.util.Arrays;
import java.util.List;

/**
 * Aggregates the accepted dense deltas of one layer with the round's method. Deterministic:
 * the same inputs in the same order give the same bits on every JVM and for every thread count
 * (see the package comment for why and how).
 *
 * <p>Methods:
 * <ul>
 *   <li>{@code WEIGHTED_MEAN}: sum of {@code tokens_i * x_i} in input order, in double, divided
 *       by the total tokens, rounded to float once. Weights are the verified token counts
 *       (integers), not a number the trainer merely reported.</li>
 *   <li>{@code KRUM}: the delta with the smallest score, where a delta's score is the sum of its
 *       squared distances to its {@code n - f - 2} nearest other deltas. Requires
 *       {@code n > 2f + 2}. Ties (equal distances or equal scores) go to the lower index.</li>
 *   <li>{@code MULTI_KRUM}: the token-weighted mean of the {@code m} deltas with the smallest
 *       Krum scores ({@code m = n - f} by default), summed in ascending index order.</li>
 *   <li>{@code TRIMMED_MEAN}: per coordinate, sort the n values, drop t from each end (t = f,
 *       or floor(beta n)), average the rest (sum in sorted order, in double). Requires n > 2t.</li>
 *   <li>{@code COORDINATE_MEDIAN}: per coordinate, the middle value, or for even n the mean of
 *       the two middle values computed in double and rounded once.</li>
 * </ul>
 */
public final class RobustAggregator {
  private final int threads;

  /** A single-threaded aggregator, the default for validators. */
  public RobustAggregator() {
    this(1);
  }

  /**
   * @param threads worker threads; any value gives bit-identical results, more only go faster
   */
  public RobustAggregator(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
  }

  /** Aggregates the set with the given spec. */
  public AggregateResult aggregate(DeltaSet set, AggregationSpec spec) {
    AggregationMethod m = spec.method();
    int n = set.size();
    return switch (m) {
      case WEIGHTED_MEAN -> result(m, set, weightedMean(set), allIndices(n), new double[0]);
      case KRUM -> {
        double[] scores = krumScores(set, spec.byzantineF());
        int best = argMinLowestIndex(scores);
        float[][] values = new float[set.segmentCount()][];
        for (int s = 0; s < values.length; s++) {
          values[s] = set.segment(best, s).clone();
        }
        yield result(m, set, values, new int[] {best}, scores);
      }
      case MULTI_KRUM -> {
        double[] scores = krumScores(set, spec.byzantineF());
        int keep = spec.multiKrumKeep() == 0 ? n - spec.byzantineF() : spec.multiKrumKeep();
        if (keep < 1 || keep > n) {
          throw new IllegalArgumentException("multi-Krum must keep between 1 and n = " + n + " deltas, got " + keep);
        }
        int[] chosen = lowestScores(scores, keep);
        yield result(m, set, weightedMean(set.subset(chosen)), chosen, scores);
      }
      case TRIMMED_MEAN -> {
        int t = spec.trimFor(n);
        if (n <= 2 * t) {
          throw new IllegalArgumentException("trimmed mean trimming " + t + " per side needs more than " + (2 * t)
              + " deltas, got n = " + n);
        }
        yield result(m, set, sortedColumnStatistic(set, t, false), allIndices(n), new double[0]);
      }
      case COORDINATE_MEDIAN -> result(m, set, sortedColumnStatistic(set, 0, true), allIndices(n), new double[0]);
      default -> throw new IllegalArgumentException("unsupported aggregation method " + m);
    };
  }

  /**
   * Krum scores: for each delta, the sum (ascending order, in double) of its squared distances
   * to its {@code n - f - 2} nearest other deltas, nearest chosen by (distance, index).
   *
   * @throws IllegalArgumentException unless n > 2f + 2
   */
  public double[] krumScores(DeltaSet set, int f) {
    int n = set.size();
    if (f < 0 || n <= 2 * f + 2) {
      throw new IllegalArgumentException("Krum with f = " + f + " Byzantine deltas needs n > 2f + 2 = " + (2 * f + 2)
          + " deltas, got n = " + n);
    }
    double[][] d = PairwiseDistances.compute(set, threads);
    int nearest = n - f - 2;
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      int[] others = new int[n - 1];
      int c = 0;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          others[c++] = j;
        }
      }
      double[] row = d[i];
      sortByKeyThenIndex(others, row);
      double sum = 0.0;
      for (int k = 0; k < nearest; k++) {
        sum += row[others[k]];
      }
      scores[i] = sum;
    }
    return scores;
  }

  private float[][] weightedMean(DeltaSet set) {
    int n = set.size();
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += set.weight(i);
    }
    double totalWeight = total;
    float[][] out = newOutput(set);
    List<CoordinateBlocks.Block> blocks = CoordinateBlocks.of(set);
    CoordinateBlocks.run(blocks, threads, () -> {
      double[] acc = new double[CoordinateBlocks.BLOCK];
      return block -> {
        int s = block.segment();
        int start = block.start();
        int len = block.length();
        Arrays.fill(acc, 0, len, 0.0);
        for (int i = 0; i < n; i++) {
          double w = set.weight(i);
          float[] x = set.segment(i, s);
          for (int k = 0; k < len; k++) {
            acc[k] += w * x[start + k];
          }
        }
        float[] dst = out[s];
        for (int k = 0; k < len; k++) {
          dst[start + k] = (float) (acc[k] / totalWeight);
        }
      };
    });
    return out;
  }

  /**
   * Per coordinate: sort the n values with the network, then either average ranks
   * [trim, n - trim) in rank order (trimmed mean; trim 0 is the plain mean) or take the median.
   */
  private float[][] sortedColumnStatistic(DeltaSet set, int trim, boolean median) {
    int n = set.size();
    SortingNetwork network = SortingNetwork.forSize(n);
    float[][] out = newOutput(set);
    List<CoordinateBlocks.Block> blocks = CoordinateBlocks.of(set);
    int kept = n - 2 * trim;
    double keptCount = kept;
    CoordinateBlocks.run(blocks, threads, () -> {
      float[][] scratch = new float[n][CoordinateBlocks.BLOCK];
      double[] acc = new double[CoordinateBlocks.BLOCK];
      return block -> {
        int s = block.segment();
        int start = block.start();
        int len = block.length();
        for (int i = 0; i < n; i++) {
          System.arraycopy(set.segment(i, s), start, scratch[i], 0, len);
        }
        network.sortColumns(scratch, len);
        float[] dst = out[s];
        if (median) {
          float[] mid = scratch[n / 2];
          if ((n & 1) == 1) {
            System.arraycopy(mid, 0, dst, start, len);
          } else {
            float[] below = scratch[n / 2 - 1];
            for (int k = 0; k < len; k++) {
              dst[start + k] = (float) (((double) below[k] + (double) mid[k]) * 0.5);
            }
          }
          return;
        }
        Arrays.fill(acc, 0, len, 0.0);
        for (int r = trim; r < n - trim; r++) {
          float[] row = scratch[r];
          for (int k = 0; k < len; k++) {
            acc[k] += row[k];
          }
        }
        for (int k = 0; k < len; k++) {
          dst[start + k] = (float) (acc[k] / keptCount);
        }
      };
    });
    return out;
  }

  private static float[][] newOutput(DeltaSet set) {
    float[][] out = new float[set.segmentCount()][];
    for (int s = 0; s < out.length; s++) {
      out[s] = new float[set.segmentLength(s)];
    }
    return out;
  }

  private static AggregateResult result(AggregationMethod m, DeltaSet set, float[][] values, int[] contributors, double[] scores) {
    int[][] shapes = new int[set.segmentCount()][];
    for (int s = 0; s < shapes.length; s++) {
      shapes[s] = set.shape(s);
    }
    int[] sorted = contributors.clone();
    Arrays.sort(sorted);
    return new AggregateResult(m, set.names(), shapes, values, sorted, scores);
  }

  private static int[] allIndices(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return all;
  }

  private static int argMinLowestIndex(double[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] < scores[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The {@code keep} indices with the smallest scores, ties to the lower index, returned ascending. */
  private static int[] lowestScores(double[] scores, int keep) {
    int[] idx = allIndices(scores.length);
    sortByKeyThenIndex(idx, scores);
    int[] chosen = Arrays.copyOf(idx, keep);
    Arrays.sort(chosen);
    return chosen;
  }

  /** Insertion sort of indices by (key[index], index): stable, total, tiny n. */
  private static void sortByKeyThenIndex(int[] idx, double[] key) {
    for (int a = 1; a < idx.length; a++) {
      int v = idx[a];
      int b = a - 1;
      while (b >= 0 && (key[idx[b]] > key[v] || (key[idx[b]] == key[v] && idx[b] > v))) {
        idx[b + 1] = idx[b];
        b--;
      }
      idx[b + 1] = v;
    }
  }
}
