package io.deltachain.round.scheduler;

import java.util.Map;
import java.util.TreeMap;

/**
 * Per-worker performance: measured throughput (exponentially weighted, so a worker that slows
 * down is noticed within a few reports), verdict outcomes and assignment counts. Not thread-safe:
 * the round service uses it from its event loop.
 */
public final class PerformanceTracker {
  /** Weight of the newest throughput report. */
  public static final double DEFAULT_SMOOTHING = 0.3;

  private final double smoothing;
  private final Map<String, WorkerPerformance> byWorker = new TreeMap<>();

  /** A tracker weighting the newest throughput report by {@value #DEFAULT_SMOOTHING}. */
  public PerformanceTracker() {
    this(DEFAULT_SMOOTHING);
  }

  /** A tracker weighting the newest throughput report by {@code smoothing} (0 to 1]. */
  public PerformanceTracker(double smoothing) {
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new IllegalArgumentException("smoothing must be in (0, 1], got " + smoothing);
    }
    this.smoothing = smoothing;
  }

  /**
   * Records a throughput report.
   *
   * @throws IllegalArgumentException for a negative or non-finite figure
   */
  public void recordThroughput(String workerId, double tokensPerSecond) {
    if (!(tokensPerSecond >= 0) || Double.isInfinite(tokensPerSecond)) {
      throw new IllegalArgumentException("tokens per second must be a non-negative number, got " + tokensPerSecond);
    }
    WorkerPerformance p = get(workerId);
    double next = p.measured()
        ? smoothing * tokensPerSecond + (1 - smoothing) * p.measuredTokensPerSecond()
        : tokensPerSecond;
    byWorker.put(workerId, new WorkerPerformance(
        workerId, next, p.throughputReports() + 1, p.verdicts(), p.accepted(), p.assignments()));
  }

  /** Records a validators' decision on one of the worker's deltas. */
  public void recordVerdict(String workerId, boolean accepted) {
    WorkerPerformance p = get(workerId);
    byWorker.put(workerId, new WorkerPerformance(workerId, p.measuredTokensPerSecond(), p.throughputReports(),
        p.verdicts() + 1, p.accepted() + (accepted ? 1 : 0), p.assignments()));
  }

  /** Records that the worker was given a task. */
  public void recordAssignment(String workerId) {
    WorkerPerformance p = get(workerId);
    byWorker.put(workerId, new WorkerPerformance(workerId, p.measuredTokensPerSecond(), p.throughputReports(),
        p.verdicts(), p.accepted(), p.assignments() + 1));
  }

  /** The worker's record (an empty one for a worker never seen). */
  public WorkerPerformance get(String workerId) {
    return byWorker.getOrDefault(workerId, WorkerPerformance.none(workerId));
  }

  /** Every record, by worker id. */
  public Map<String, WorkerPerformance> snapshot() {
    return Map.copyOf(byWorker);
  }
}
