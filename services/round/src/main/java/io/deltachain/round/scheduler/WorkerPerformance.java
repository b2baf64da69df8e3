package io.deltachain.round.scheduler;

/**
 * A worker's track record.
 *
 * @param workerId the worker
 * @param measuredTokensPerSecond exponentially weighted mean of reported training throughput,
 *     or NaN before the first report
 * @param throughputReports how many throughput reports went into it
 * @param verdicts deltas of this worker that validators decided on
 * @param accepted of those, how many were accepted
 * @param assignments tasks given to it so far
 */
public record WorkerPerformance(
    String workerId,
    double measuredTokensPerSecond,
    int throughputReports,
    int verdicts,
    int accepted,
    int assignments) {

  /** A worker with no history. */
  public static WorkerPerformance none(String workerId) {
    return new WorkerPerformance(workerId, Double.NaN, 0, 0, 0, 0);
  }

  /**
   * The acceptance rate with a Laplace prior, {@code (accepted + 1) / (verdicts + 2)}: a new
   * worker starts at one half and a single verdict does not swing it to 0 or 1.
   */
  public double successRate() {
    return (accepted + 1.0) / (verdicts + 2.0);
  }

  /** Whether a throughput has been measured. */
  public boolean measured() {
    return throughputReports > 0;
  }
}
