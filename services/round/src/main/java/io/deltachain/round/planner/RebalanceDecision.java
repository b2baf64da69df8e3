package io.deltachain.round.planner;

import java.util.List;

/**
 * The outcome of re-planning after workers joined or left.
 *
 * @param plan the plan to run from now on
 * @param moved whether workers of intact pipelines were moved (a full re-plan was adopted)
 * @param departed workers of the old plan that are gone
 * @param joined workers that were not in the old plan
 * @param previousTokensPerSecond the old plan's throughput
 * @param keptTokensPerSecond the throughput when intact pipelines are kept and only the free
 *     workers are planned
 * @param replannedTokensPerSecond the throughput of a plan from scratch
 * @param reason why this plan was chosen
 */
public record RebalanceDecision(
    PartitionPlan plan,
    boolean moved,
    List<String> departed,
    List<String> joined,
    double previousTokensPerSecond,
    double keptTokensPerSecond,
    double replannedTokensPerSecond,
    String reason) {
  /** Copies the lists. */
  public RebalanceDecision {
    departed = List.copyOf(departed);
    joined = List.copyOf(joined);
  }
}
