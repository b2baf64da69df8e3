package io.deltachain.launcher.wiring;

import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.validator.service.CommittedDelta;
import io.deltachain.validator.service.RoundContexts;
import io.deltachain.validator.verdict.CheckContext;
import io.deltachain.validator.verdict.RoundPlan;
import io.deltachain.validator.verdict.RoundState;
import io.deltachain.validator.verdict.TrainerAssignment;
import io.deltachain.validator.verdict.ValidatorPolicy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Check contexts built from the StartRound the validator's own node committed (seen by its
 * {@link BlockPollingFeed}), the validator's policy, and the round's base model
 * ({@link ValidatorRounds#evaluator}: layout, the delta's layer's base weights, losses). One
 * {@link RoundState} per round, shared by all of the round's deltas.
 *
 * <p>A trainer listed in the round may deliver another shard of the same round (the round
 * service hands a silent trainer's shard to an idle trainer of the round, and the ledger takes
 * deltas from any trainer the round lists): such a delta is judged against the assignment of the
 * shard it names, so its structure, mode and rank must match that assignment and its proof of
 * learning is measured on that shard.
 */
public final class ChainRoundContexts implements RoundContexts {
  private final BlockPollingFeed feed;
  private final ValidatorPolicy policy;
  private final ValidatorRounds rounds;
  private final Map<String, RoundState> states = new ConcurrentHashMap<>();

  /** Over a feed, a policy and the validator's view of the rounds. */
  public ChainRoundContexts(BlockPollingFeed feed, ValidatorPolicy policy, ValidatorRounds rounds) {
    this.feed = feed;
    this.policy = policy;
    this.rounds = rounds;
  }

  /** The round's plan as the delta's checks see it: its trainer in charge of the shard it names. */
  static RoundPlan planFor(StartRound start, CommittedDelta delta) {
    RoundPlan plan = RoundPlan.from(start);
    String trainer = java.util.HexFormat.of().formatHex(delta.trainerAddress());
    TrainerAssignment own = plan.assignments().get(trainer);
    int shard = delta.tx().getShardIndex();
    if (own == null || own.shardIndex() == shard) {
      return plan;
    }
    for (Assignment a : start.getAssignmentsList()) {
      if (a.getShardIndex() == shard) {
        java.util.SortedMap<String, TrainerAssignment> as = new java.util.TreeMap<>(plan.assignments());
        as.put(trainer, TrainerAssignment.from(a));
        return new RoundPlan(plan.roundId(), as, plan.baseCheckpoints(), plan.maxNormRatioPpm(), plan.evalSeed());
      }
    }
    return plan;
  }

  @Override
  public CheckContext contextFor(CommittedDelta delta, long randomSampleSeed) {
    String roundId = delta.tx().getRoundId();
    StartRound start = feed.round(roundId);
    if (start == null) {
      throw new IllegalStateException("no committed StartRound for round '" + roundId + "'");
    }
    ModelLossEvaluator model = rounds.evaluator(roundId);
    return new CheckContext(planFor(start, delta), policy, model, model.baseWeights(delta.tx().getLayer()), model,
        states.computeIfAbsent(roundId, r -> new RoundState()), randomSampleSeed);
  }
}
