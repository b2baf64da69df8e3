package io.deltachain.launcher.wiring;

import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.validator.service.CommittedDelta;
import io.deltachain.validator.service.RoundContexts;
import io.deltachain.validator.verdict.CheckContext;
import io.deltachain.validator.verdict.RoundPlan;
import io.deltachain.validator.verdict.RoundState;
import io.deltachain.validator.verdict.ValidatorPolicy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Check contexts built from the StartRound the validator's own node committed (seen by its
 * {@link BlockPollingFeed}), the validator's policy, and the base model's layout and weights.
 * One {@link RoundState} per round, shared by all of the round's deltas.
 */
public final class ChainRoundContexts implements RoundContexts {
  private final BlockPollingFeed feed;
  private final ValidatorPolicy policy;
  private final ModelLossEvaluator model;
  private final Map<String, RoundState> states = new ConcurrentHashMap<>();

  /** Over a feed, a policy and the base model. */
  public ChainRoundContexts(BlockPollingFeed feed, ValidatorPolicy policy, ModelLossEvaluator model) {
    this.feed = feed;
    this.policy = policy;
    this.model = model;
  }

  @Override
  public CheckContext contextFor(CommittedDelta delta, long randomSampleSeed) {
    String roundId = delta.tx().getRoundId();
    StartRound start = feed.round(roundId);
    if (start == null) {
      throw new IllegalStateException("no committed StartRound for round '" + roundId + "'");
    }
    return new CheckContext(RoundPlan.from(start), policy, model, model.baseWeights(delta.tx().getLayer()), model,
        states.computeIfAbsent(roundId, r -> new RoundState()), randomSampleSeed);
  }
}
