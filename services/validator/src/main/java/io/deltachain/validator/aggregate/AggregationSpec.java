package io.deltachain.validator.aggregate;

import io.deltachain.core.tx.proto.AggregationMethod;

/**
 * How to aggregate one layer: the round's method and Byzantine bound f.
 *
 * <ul>
 *   <li>Krum and multi-Krum use f directly; multi-Krum averages the {@code n - f} best-scored
 *       deltas unless {@code multiKrumKeep} says otherwise.</li>
 *   <li>The trimmed mean trims {@code trimPerSide} values from each end of every coordinate;
 *       by default f (the round's bound), or {@code floor(beta * n)} when built with
 *       {@link #trimmedMeanBeta}.</li>
 * </ul>
 *
 * @param method the round's aggregation method
 * @param byzantineF the round's bound on Byzantine deltas (f, at least 0)
 * @param trimPerSide values trimmed per side for the trimmed mean; -1 means "use f"
 * @param trimBetaPpm when non-negative, trim {@code floor(n * beta)} per side, beta in ppm
 * @param multiKrumKeep deltas averaged by multi-Krum; 0 means {@code n - f}
 */
public record AggregationSpec(AggregationMethod method, int byzantineF, int trimPerSide, int trimBetaPpm, int multiKrumKeep) {

  /** Validates the fields that do not depend on n. */
  public AggregationSpec {
    if (method == null || method == AggregationMethod.AGGREGATION_METHOD_UNSPECIFIED
        || method == AggregationMethod.UNRECOGNIZED) {
      throw new IllegalArgumentException("aggregation method must be one of WEIGHTED_MEAN, KRUM, MULTI_KRUM, "
          + "TRIMMED_MEAN, COORDINATE_MEDIAN; got " + method);
    }
    if (byzantineF < 0) {
      throw new IllegalArgumentException("Byzantine bound f must be >= 0, got " + byzantineF);
    }
    if (trimBetaPpm >= 500_000) {
      throw new IllegalArgumentException("trim proportion beta must be below 0.5 per side, got " + trimBetaPpm + " ppm");
    }
    if (multiKrumKeep < 0) {
      throw new IllegalArgumentException("multi-Krum keep count must be >= 0, got " + multiKrumKeep);
    }
  }

  /** The round's method with bound f and the defaults above. */
  public static AggregationSpec of(AggregationMethod method, int byzantineF) {
    return new AggregationSpec(method, byzantineF, -1, -1, 0);
  }

  /** A trimmed mean cutting {@code floor(n * beta)} values per side (Flower's proportiontocut). */
  public static AggregationSpec trimmedMeanBeta(double beta) {
    if (!(beta >= 0 && beta < 0.5)) {
      throw new IllegalArgumentException("trim proportion beta must be in [0, 0.5), got " + beta);
    }
    return new AggregationSpec(AggregationMethod.TRIMMED_MEAN, 0, -1, (int) Math.round(beta * 1_000_000), 0);
  }

  /** Values trimmed per side for a set of n deltas. */
  int trimFor(int n) {
    if (trimBetaPpm >= 0) {
      return (int) ((long) n * trimBetaPpm / 1_000_000);
    }
    return trimPerSide >= 0 ? trimPerSide : byzantineF;
  }
}
