package io.deltachain.validator.service;

import io.deltachain.validator.verdict.CheckContext;

/**
 * Supplies the check context of a delta's round and layer: plan, policy, layout, base
 * weights, evaluator and the round's running state (one state object per round, shared by all
 * its deltas). {@code randomSampleSeed} is derived by the verticle from the block hash and the
 * delta id and must be used as given.
 */
@FunctionalInterface
public interface RoundContexts {
  /** The context for this delta. */
  CheckContext contextFor(CommittedDelta delta, long randomSampleSeed);
}
