package io.deltachain.validator.verdict;

import io.deltachain.validator.delta.LayerDelta;

/**
 * Measures the mean loss of the round's base model, with or without one layer delta applied,
 * on a data split. The production implementation runs the DJL model of the trainer module;
 * losses are not bit-reproducible across hardware, which is why verdicts compare them against
 * thresholds and never hash them.
 */
public interface LossEvaluator {
  /** Mean loss (nats per example or token) of the base model on the split. */
  double baseLoss(DataSplit split);

  /** Mean loss with the delta added to the base weights of its layer. */
  double lossWithDelta(LayerDelta delta, DataSplit split);
}
