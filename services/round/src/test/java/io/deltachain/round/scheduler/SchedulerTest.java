package io.deltachain.round.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.round.cost.GpuPrices;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private static final long GIB = 1L << 30;
  private static final WorkerView H100 = new WorkerView("h100", "h100", 80 * GIB, 4000);
  private static final WorkerView A100 = new WorkerView("a100", "a100", 80 * GIB, 2000);
  private static final WorkerView RTX4090 = new WorkerView("4090", "rtx4090", 24 * GIB, 1200);
  private static final WorkerView RTX3060 = new WorkerView("3060", "rtx3060", 12 * GIB, 300);
  private static final WorkerView SLOW = new WorkerView("slow", "rtx3090", 24 * GIB, 900);
  private static final List<WorkerView> FLEET = List.of(H100, A100, RTX4090, RTX3060, SLOW);

  private PerformanceTracker tracker;
  private Scheduler scheduler;

  @BeforeEach
  void history() {
    tracker = new PerformanceTracker();
    scheduler = new Scheduler(tracker, GpuPrices.defaults());
    tracker.recordThroughput("h100", 3800);
    tracker.recordThroughput("a100", 2000);
    tracker.recordThroughput("4090", 1200);
    tracker.recordThroughput("slow", 50); // registered 900, measured far less
    verdicts("h100", 10, 4);
    verdicts("a100", 10, 9);
    verdicts("4090", 10, 10);
    verdicts("slow", 5, 5);
    assign("h100", 3);
    assign("a100", 2);
    assign("4090", 5);
  }

  private void verdicts(String id, int n, int accepted) {
    for (int i = 0; i < n; i++) {
      tracker.recordVerdict(id, i < accepted);
    }
  }

  private void assign(String id, int n) {
    for (int i = 0; i < n; i++) {
      tracker.recordAssignment(id);
    }
  }

  private List<String> ids(SchedulingPolicy policy, TaskRequirement task) {
    return scheduler.rank(policy, task, FLEET).stream().map(WorkerView::id).toList();
  }

  @Test
  @DisplayName("capability: only workers with the memory, most memory first, then the faster")
  void capability() {
    assertThat(ids(SchedulingPolicy.CAPABILITY, TaskRequirement.memory(20 * GIB)))
        .containsExactly("h100", "a100", "4090", "slow");
  }

  @Test
  @DisplayName("efficiency: a reliable A100 beats an H100 whose deltas are mostly rejected")
  void efficiency() {
    assertThat(ids(SchedulingPolicy.EFFICIENCY, TaskRequirement.memory(0)))
        .containsExactly("a100", "h100", "4090", "3060", "slow");
  }

  @Test
  @DisplayName("fairness: the least-served first, the more reliable of equals first")
  void fairness() {
    assertThat(ids(SchedulingPolicy.FAIRNESS, TaskRequirement.memory(0)))
        .containsExactly("slow", "3060", "a100", "h100", "4090");
  }

  @Test
  @DisplayName("cost: cheapest per accepted token first; unknown classes take the default price")
  void cost() {
    assertThat(ids(SchedulingPolicy.COST, TaskRequirement.memory(0)))
        .containsExactly("4090", "a100", "3060", "h100", "slow");
  }

  @Test
  @DisplayName("adaptive: drops the worker far below the fleet's median speed and the unreliable one, discounts the busy")
  void adaptive() {
    AdaptiveThresholds t = scheduler.thresholds(FLEET);
    assertThat(t.minTokensPerSecond()).isEqualTo(0.25 * (1200 + 2000) / 2.0);
    assertThat(ids(SchedulingPolicy.ADAPTIVE, TaskRequirement.memory(0))).containsExactly("a100", "4090", "3060");
  }

  @Test
  @DisplayName("adaptive thresholds follow the mix: the same slow worker passes among peers as slow as it")
  void thresholdsAdapt() {
    PerformanceTracker peers = new PerformanceTracker();
    peers.recordThroughput("slow", 50);
    peers.recordThroughput("laptop-a", 60);
    peers.recordThroughput("laptop-b", 40);
    Scheduler s = new Scheduler(peers, GpuPrices.defaults());
    List<WorkerView> fleet = List.of(SLOW, new WorkerView("laptop-a", "cpu", 8 * GIB, 60),
        new WorkerView("laptop-b", "cpu", 8 * GIB, 40));
    assertThat(s.rank(SchedulingPolicy.ADAPTIVE, TaskRequirement.memory(0), fleet))
        .extracting(WorkerView::id).contains("slow");
  }

  @Test
  @DisplayName("adaptive falls back to everyone able when the thresholds would leave nobody")
  void adaptiveFallback() {
    List<WorkerView> onlyBad = List.of(SLOW, H100);
    // within this pair the median is between them, so both cannot fail; exclude the good one by memory
    assertThat(scheduler.rank(SchedulingPolicy.ADAPTIVE, new TaskRequirement(0, Set.of("h100")), onlyBad))
        .extracting(WorkerView::id).containsExactly("slow");
  }

  @Test
  @DisplayName("choose records the assignment and honours exclusions; nobody able gives empty")
  void choose() {
    WorkerView chosen = scheduler.choose(SchedulingPolicy.EFFICIENCY, new TaskRequirement(0, Set.of("a100")), FLEET)
        .orElseThrow();
    assertThat(chosen.id()).isEqualTo("h100");
    assertThat(tracker.get("h100").assignments()).isEqualTo(4);
    assertThat(scheduler.choose(SchedulingPolicy.CAPABILITY, TaskRequirement.memory(100 * GIB), FLEET)).isEmpty();
  }

  @Test
  @DisplayName("throughput is smoothed, success rate starts at one half, bad figures are refused")
  void tracker() {
    PerformanceTracker t = new PerformanceTracker(0.3);
    t.recordThroughput("w", 100);
    t.recordThroughput("w", 200);
    assertThat(t.get("w").measuredTokensPerSecond()).isEqualTo(130.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(t.get("new").successRate()).isEqualTo(0.5);
    t.recordVerdict("w", false);
    assertThat(t.get("w").successRate()).isEqualTo(1.0 / 3);
    assertThatThrownBy(() -> t.recordThroughput("w", Double.NaN)).hasMessageContaining("non-negative number");
    assertThatThrownBy(() -> SchedulingPolicy.parse("fastest")).hasMessageContaining("capability, efficiency");
    assertThat(SchedulingPolicy.parse(" Adaptive ")).isEqualTo(SchedulingPolicy.ADAPTIVE);
  }
}
