package io.deltachain.round.scheduler;

import java.util.Arrays;
import java.util.Collection;

/**
 * Thresholds derived from the workers currently observed rather than fixed numbers, so that a
 * fleet of laptops and a fleet of H100s are each judged against their peers.
 *
 * <ul>
 *   <li>minimum throughput: {@code slowFraction} (default 0.25) of the median measured tokens
 *       per second;
 *   <li>minimum success rate: the median success rate less {@code successMargin} (default 0.25),
 *       never below {@code successFloor} (default 0.3); workers with fewer than
 *       {@code minVerdicts} (default 3) verdicts are not judged on it yet.
 * </ul>
 *
 * @param minTokensPerSecond workers measured below this are dropped (0 when nothing is measured)
 * @param minSuccessRate workers with enough verdicts below this are dropped
 * @param minVerdicts verdicts needed before the success rate counts
 */
public record AdaptiveThresholds(double minTokensPerSecond, double minSuccessRate, int minVerdicts) {
  /** Fraction of the median throughput below which a worker counts as too slow. */
  public static final double SLOW_FRACTION = 0.25;
  /** How far below the median success rate a worker may fall. */
  public static final double SUCCESS_MARGIN = 0.25;
  /** The success rate below which a worker is always dropped. */
  public static final double SUCCESS_FLOOR = 0.3;
  /** Verdicts before the success rate is judged. */
  public static final int MIN_VERDICTS = 3;

  /** Thresholds for this mix of workers' records. */
  public static AdaptiveThresholds from(Collection<WorkerPerformance> mix) {
    double[] tps = mix.stream().filter(WorkerPerformance::measured)
        .mapToDouble(WorkerPerformance::measuredTokensPerSecond).toArray();
    double[] rates = mix.stream().filter(p -> p.verdicts() >= MIN_VERDICTS)
        .mapToDouble(WorkerPerformance::successRate).toArray();
    double minTps = tps.length == 0 ? 0 : SLOW_FRACTION * median(tps);
    double minRate = rates.length == 0 ? SUCCESS_FLOOR : Math.max(SUCCESS_FLOOR, median(rates) - SUCCESS_MARGIN);
    return new AdaptiveThresholds(minTps, minRate, MIN_VERDICTS);
  }

  /** Whether a worker passes both thresholds (unmeasured or unjudged figures pass). */
  public boolean admits(WorkerPerformance p) {
    boolean fastEnough = !p.measured() || p.measuredTokensPerSecond() >= minTokensPerSecond;
    boolean reliable = p.verdicts() < minVerdicts || p.successRate() >= minSuccessRate;
    return fastEnough && reliable;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
