package io.deltachain.round.lifecycle;

import static io.deltachain.round.testing.Txs.address;
import static io.deltachain.round.testing.Txs.assignment;
import static io.deltachain.round.testing.Txs.delta;
import static io.deltachain.round.testing.Txs.start;
import static io.deltachain.round.testing.Txs.trainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.round.chain.InMemoryRoundChain;
import io.deltachain.round.cost.GpuPrices;
import io.deltachain.round.scheduler.PerformanceTracker;
import io.deltachain.round.scheduler.Scheduler;
import io.deltachain.round.scheduler.SchedulingPolicy;
import io.deltachain.round.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TrainerReplacerTest {
  private static final long GIB = 1L << 30;
  private static final String A = address(0xa);
  private static final String B = address(0xb);
  private static final String SPARE_SMALL = address(0xc);
  private static final String SPARE_BIG = address(0xd);

  private MutableClock clock;
  private InMemoryRoundChain chain;
  private RoundTracker tracker;
  private WorkerRegistry registry;
  private TrainerReplacer replacer;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    chain = new InMemoryRoundChain();
    tracker = new RoundTracker(5);
    registry = new WorkerRegistry(clock, Duration.ofSeconds(10));
    chain.replayAndSubscribe(tracker);
    chain.replayAndSubscribe(registry);
    chain.registerNode(A, trainer("a", 24 * GIB, 900, "rtx4090"));
    chain.registerNode(B, trainer("b", 24 * GIB, 900, "rtx4090"));
    chain.registerNode(SPARE_SMALL, trainer("small", 8 * GIB, 5000, "rtx3070"));
    chain.registerNode(SPARE_BIG, trainer("big", 24 * GIB, 700, "rtx3090"));
    replacer = new TrainerReplacer(tracker, registry, new Scheduler(new PerformanceTracker(), GpuPrices.defaults()),
        SchedulingPolicy.EFFICIENCY, TrainerReplacer.fromTable(Map.of("r1", Map.of(0, 20 * GIB, 1, 20 * GIB))));
    chain.submitStartRound(start("r1", 50, 10, assignment(A, 0, 1, 0), assignment(B, 0, 1, 1)));
  }

  private void heartbeatAllBut(String silent) {
    for (String w : List.of(A, B, SPARE_SMALL, SPARE_BIG)) {
      if (!w.equals(silent)) {
        assertThat(registry.heartbeat(w)).isTrue();
      }
    }
  }

  @Test
  @DisplayName("a trainer whose heartbeat stops is replaced by a capable free worker, and its shard goes with the assignment")
  void silentTrainerIsReplaced() {
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(5));
      heartbeatAllBut(null);
      assertThat(replacer.check()).isEmpty();
    }
    clock.advance(Duration.ofSeconds(6));
    heartbeatAllBut(B);
    assertThat(replacer.check()).as("within the timeout").isEmpty();
    clock.advance(Duration.ofSeconds(5));
    heartbeatAllBut(B);
    List<Replacement> done = replacer.check();
    assertThat(done).singleElement().satisfies(r -> {
      assertThat(r.from()).isEqualTo(B);
      // the faster spare has only 8 GiB; the assignment needs 20 GiB
      assertThat(r.to()).isEqualTo(SPARE_BIG);
      assertThat(r.shardIndex()).isEqualTo(1);
      assertThat(r.reason()).contains("no heartbeat from " + B).contains("shard 1 reassigned to " + SPARE_BIG);
    });
    AssignmentView a = tracker.round("r1").orElseThrow().assignments().get(1);
    assertThat(a.trainer()).isEqualTo(SPARE_BIG);
    assertThat(a.originalTrainer()).isEqualTo(B);
    assertThat(a.shardIndex()).isEqualTo(1);
    assertThat(replacer.check()).as("the replacement is alive; nothing more to do").isEmpty();

    // deltas from the replacement count for the shard
    chain.submitDelta(A, delta("r1", 0, 0, 0));
    chain.submitDelta(A, delta("r1", 1, 0, 0));
    chain.submitDelta(SPARE_BIG, delta("r1", 0, 1, 0));
    chain.submitDelta(SPARE_BIG, delta("r1", 1, 1, 0));
    assertThat(tracker.round("r1").orElseThrow().state()).isEqualTo(RoundState.VALIDATING);
  }

  @Test
  @DisplayName("a trainer that already delivered everything is not replaced when it goes quiet")
  void deliveredTrainerIsLeftAlone() {
    chain.submitDelta(B, delta("r1", 0, 1, 0));
    chain.submitDelta(B, delta("r1", 1, 1, 0));
    clock.advance(Duration.ofSeconds(30));
    heartbeatAllBut(B);
    assertThat(replacer.check()).isEmpty();
  }

  @Test
  @DisplayName("when no capable worker is free the gap is reported, not papered over")
  void noCapableWorker() {
    clock.advance(Duration.ofSeconds(30));
    registry.heartbeat(A);
    registry.heartbeat(SPARE_SMALL);
    List<Replacement> done = replacer.check();
    assertThat(done).singleElement().satisfies(r -> {
      assertThat(r.replaced()).isFalse();
      assertThat(r.reason()).contains("no free trainer with " + 20 * GIB + " bytes");
    });
    assertThat(tracker.round("r1").orElseThrow().assignments().get(1).trainer()).isEqualTo(B);
    assertThat(registry.heartbeat(address(0x99))).as("unregistered nodes are ignored").isFalse();
  }

  @Test
  @DisplayName("on a chain that takes deltas only from listed trainers, the shard waits for an idle trainer of the round, never a spare outside it")
  void membersOnly() {
    TrainerReplacer members = new TrainerReplacer(tracker, registry,
        new Scheduler(new PerformanceTracker(), GpuPrices.defaults()), SchedulingPolicy.EFFICIENCY,
        TrainerReplacer.fromTable(Map.of("r1", Map.of(0, 20 * GIB, 1, 20 * GIB))), false);
    clock.advance(Duration.ofSeconds(30));
    heartbeatAllBut(B);
    assertThat(members.check()).singleElement().satisfies(r -> assertThat(r.replaced()).isFalse());
    chain.submitDelta(A, delta("r1", 0, 0, 0));
    chain.submitDelta(A, delta("r1", 1, 0, 0));
    assertThat(members.check()).singleElement().satisfies(r -> {
      assertThat(r.replaced()).isTrue();
      assertThat(r.to()).isEqualTo(A);
      assertThat(r.shardIndex()).isEqualTo(1);
    });
  }
}
