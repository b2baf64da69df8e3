package io.deltachain.round.scheduler;

import java.util.Locale;

/**
 * How the scheduler orders the workers able to take a task. Every policy first drops workers
 * without the memory the task needs; ties always break by worker id.
 */
public enum SchedulingPolicy {
  /** Most memory first (most headroom), then fastest: for tasks whose size is uncertain. */
  CAPABILITY,
  /**
   * Highest expected accepted throughput first: tokens per second times success rate, so a
   * fast worker whose deltas are often rejected ranks below a slower reliable one.
   */
  EFFICIENCY,
  /** Fewest tasks so far first, then the higher success rate: spreads work and rewards. */
  FAIRNESS,
  /**
   * Cheapest per accepted token first: the GPU class's price per second over expected
   * accepted throughput.
   */
  COST,
  /**
   * Drops workers below the thresholds the observed mix sets (see {@link AdaptiveThresholds}),
   * unless that would leave nobody, then orders as {@link #EFFICIENCY} with a fairness
   * discount: a worker's score is divided by {@code 1 + assignments / (1 + mean assignments)}.
   */
  ADAPTIVE;

  /**
   * Parses a policy name, case-insensitively.
   *
   * @throws IllegalArgumentException naming the policies
   */
  public static SchedulingPolicy parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "scheduling policy must be one of capability, efficiency, fairness, cost, adaptive; got '" + text + "'");
    }
  }
}
