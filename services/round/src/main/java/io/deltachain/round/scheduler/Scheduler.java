package io.deltachain.round.scheduler;

import io.deltachain.round.cost.GpuPrices;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** Orders and chooses workers for a task under a {@link SchedulingPolicy}. */
public final class Scheduler {
  private final PerformanceTracker tracker;
  private final GpuPrices prices;

  /** A scheduler reading this tracker, pricing by these prices. */
  public Scheduler(PerformanceTracker tracker, GpuPrices prices) {
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.prices = Objects.requireNonNull(prices, "prices");
  }

  /** The tracker it reads. */
  public PerformanceTracker tracker() {
    return tracker;
  }

  /** The thresholds the current mix of these workers sets. */
  public AdaptiveThresholds thresholds(List<WorkerView> workers) {
    return AdaptiveThresholds.from(workers.stream().map(w -> tracker.get(w.id())).toList());
  }

  /**
   * The workers able to take the task, best first, as the policy orders them (see
   * {@link SchedulingPolicy}).
   */
  public List<WorkerView> rank(SchedulingPolicy policy, TaskRequirement task, List<WorkerView> workers) {
    List<WorkerView> able = new ArrayList<>();
    for (WorkerView w : workers) {
      if (w.memoryBytes() >= task.minMemoryBytes() && !task.excluded().contains(w.id())) {
        able.add(w);
      }
    }
    Comparator<WorkerView> byId = Comparator.comparing(WorkerView::id);
    switch (policy) {
      case CAPABILITY -> able.sort(Comparator.comparingLong(WorkerView::memoryBytes).reversed()
          .thenComparing(descending(this::tokensPerSecond)).thenComparing(byId));
      case EFFICIENCY -> able.sort(descending(this::expectedAcceptedThroughput).thenComparing(byId));
      case FAIRNESS -> able.sort(Comparator.comparingInt((WorkerView w) -> tracker.get(w.id()).assignments())
          .thenComparing(descending(w -> tracker.get(w.id()).successRate())).thenComparing(byId));
      case COST -> able.sort(Comparator.comparingDouble(this::costPerAcceptedToken).thenComparing(byId));
      case ADAPTIVE -> {
        AdaptiveThresholds t = thresholds(workers);
        List<WorkerView> admitted = able.stream().filter(w -> t.admits(tracker.get(w.id()))).toList();
        if (!admitted.isEmpty()) {
          able = new ArrayList<>(admitted);
        }
        double meanAssignments = able.stream().mapToInt(w -> tracker.get(w.id()).assignments()).average().orElse(0);
        able.sort(descending((WorkerView w) ->
                expectedAcceptedThroughput(w) / (1 + tracker.get(w.id()).assignments() / (1 + meanAssignments)))
            .thenComparing(byId));
      }
    }
    return able;
  }

  /** The first worker {@link #rank} gives, if any; it records the assignment. */
  public Optional<WorkerView> choose(SchedulingPolicy policy, TaskRequirement task, List<WorkerView> workers) {
    List<WorkerView> ranked = rank(policy, task, workers);
    if (ranked.isEmpty()) {
      return Optional.empty();
    }
    tracker.recordAssignment(ranked.get(0).id());
    return Optional.of(ranked.get(0));
  }

  /** Measured throughput, or the registered one before any measurement. */
  public double tokensPerSecond(WorkerView w) {
    WorkerPerformance p = tracker.get(w.id());
    return p.measured() ? p.measuredTokensPerSecond() : w.registeredTokensPerSecond();
  }

  /** Throughput times success rate: tokens per second that end up accepted. */
  public double expectedAcceptedThroughput(WorkerView w) {
    return tokensPerSecond(w) * tracker.get(w.id()).successRate();
  }

  /** Micro-units per accepted token (infinite for a worker with no throughput). */
  public double costPerAcceptedToken(WorkerView w) {
    double accepted = expectedAcceptedThroughput(w);
    return accepted > 0 ? prices.perGpuHour(w.gpuClass()) / 3600.0 / accepted : Double.POSITIVE_INFINITY;
  }

  private static <T> Comparator<T> descending(ToDoubleFunction<T> f) {
    return Comparator.comparingDouble(f).reversed();
  }
}
