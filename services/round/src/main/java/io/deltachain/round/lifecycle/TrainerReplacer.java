package io.deltachain.round.lifecycle;

import io.deltachain.round.scheduler.Scheduler;
import io.deltachain.round.scheduler.SchedulingPolicy;
import io.deltachain.round.scheduler.TaskRequirement;
import io.deltachain.round.scheduler.WorkerView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Finds trainers whose heartbeat stopped while they still owe deltas in a training round, and
 * hands their assignment (layers and data shard) to another capable trainer chosen by the
 * scheduler: one that is alive, not busy in that round, and has the memory the assignment needs.
 *
 * <p>Who may take over: trainers of the same round that have delivered all their own work (the
 * deltachain ledger takes a round's deltas only from trainers its StartRound lists, so on a real
 * chain these are the only ones whose delta would count), except those with a rejected delta in
 * the round; and, when outsiders are allowed, trainers the round does not list.
 */
public final class TrainerReplacer {
  private final RoundTracker tracker;
  private final WorkerRegistry registry;
  private final Scheduler scheduler;
  private final SchedulingPolicy policy;
  private final BiFunction<String, Integer, Optional<Long>> requiredMemory;
  private final boolean outsiders;

  /**
   * A replacer.
   *
   * @param requiredMemory the memory an assignment (round id, index) needs, when the plan is
   *     known; otherwise the stopped trainer's own memory is required
   * @param outsiders whether trainers the round does not list may take over
   */
  public TrainerReplacer(RoundTracker tracker, WorkerRegistry registry, Scheduler scheduler, SchedulingPolicy policy,
      BiFunction<String, Integer, Optional<Long>> requiredMemory, boolean outsiders) {
    this.tracker = tracker;
    this.registry = registry;
    this.scheduler = scheduler;
    this.policy = policy;
    this.requiredMemory = requiredMemory;
    this.outsiders = outsiders;
  }

  /** A replacer that may also hand work to trainers outside the round. */
  public TrainerReplacer(RoundTracker tracker, WorkerRegistry registry, Scheduler scheduler, SchedulingPolicy policy,
      BiFunction<String, Integer, Optional<Long>> requiredMemory) {
    this(tracker, registry, scheduler, policy, requiredMemory, true);
  }

  /** Checks every training round once; returns what it did (including assignments it could not place). */
  public List<Replacement> check() {
    List<Replacement> out = new ArrayList<>();
    for (RoundView round : tracker.rounds()) {
      if (round.state() != RoundState.TRAINING) {
        continue;
      }
      Set<String> members = new HashSet<>();
      Set<String> busy = new HashSet<>();
      for (AssignmentView a : round.assignments()) {
        members.add(a.trainer());
        members.add(a.originalTrainer());
        if (!tracker.delivered(round.roundId(), a.index())) {
          busy.add(a.trainer());
        }
      }
      round.deltas().stream().filter(d -> d.status() == DeltaStatus.REJECTED).forEach(d -> busy.add(d.trainer()));
      for (AssignmentView a : round.assignments()) {
        if (registry.alive(a.trainer()) || tracker.delivered(round.roundId(), a.index())) {
          continue;
        }
        long memory = requiredMemory.apply(round.roundId(), a.index())
            .orElseGet(() -> registry.get(a.trainer()).map(RegisteredWorker::memoryBytes).orElse(0L));
        List<WorkerView> candidates = registry.aliveTrainers().stream()
            .filter(w -> !busy.contains(w.address()) && (outsiders || members.contains(w.address())))
            .map(w -> new WorkerView(w.address(), w.gpuClass(), w.memoryBytes(), w.tokensPerSecond()))
            .toList();
        Optional<WorkerView> chosen = scheduler.choose(policy, new TaskRequirement(memory, Set.of(a.trainer())),
            candidates);
        String silentFor = "no heartbeat from " + a.trainer() + " for over " + registry.timeout().toSeconds() + " s";
        if (chosen.isPresent()) {
          String to = chosen.get().id();
          String reason = silentFor + ": layers " + a.firstLayer() + "-" + a.lastLayer() + " of shard "
              + a.shardIndex() + " reassigned to " + to + " (" + policy.name().toLowerCase(java.util.Locale.ROOT)
              + " policy)";
          tracker.reassign(round.roundId(), a.index(), to, reason);
          busy.add(to);
          out.add(new Replacement(round.roundId(), a.index(), a.shardIndex(), a.firstLayer(), a.lastLayer(),
              a.trainer(), to, reason));
        } else {
          out.add(new Replacement(round.roundId(), a.index(), a.shardIndex(), a.firstLayer(), a.lastLayer(),
              a.trainer(), "", silentFor + ": no free trainer with " + memory + " bytes of memory to take over"));
        }
      }
    }
    return out;
  }

  /** For callers that have no plan: always the stopped trainer's memory. */
  public static BiFunction<String, Integer, Optional<Long>> noPlan() {
    return (r, i) -> Optional.empty();
  }

  /** For a fixed table of requirements by round and assignment (tests, plans kept in memory). */
  public static BiFunction<String, Integer, Optional<Long>> fromTable(Map<String, Map<Integer, Long>> table) {
    return (r, i) -> Optional.ofNullable(table.getOrDefault(r, Map.of()).get(i));
  }
}
