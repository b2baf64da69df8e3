package io.deltachain.validator.verdict;

import io.deltachain.validator.delta.DenseTensor;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Everything a rule may consult besides the delta: the round plan, this validator's policy,
 * the model layout, the base weights of the delta's layer, the loss evaluator, the round's
 * running state, and the chain-derived seed of the random-data sample for this delta.
 *
 * @param plan the round plan on chain
 * @param policy thresholds
 * @param layout tensor names and shapes per layer
 * @param baseWeights base checkpoint tensors of the delta's layer
 * @param evaluator loss measurement
 * @param state the round's running state
 * @param randomSampleSeed seed of the random-data sample (from chain data the trainer cannot choose)
 */
public record CheckContext(RoundPlan plan, ValidatorPolicy policy, LayerLayout layout,
    SortedMap<String, DenseTensor> baseWeights, LossEvaluator evaluator, RoundState state, long randomSampleSeed) {

  /** Requires every collaborator. */
  public CheckContext {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(baseWeights, "baseWeights");
    Objects.requireNonNull(evaluator, "evaluator");
    Objects.requireNonNull(state, "state");
  }
}
