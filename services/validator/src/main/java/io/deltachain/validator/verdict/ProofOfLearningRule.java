package io.deltachain.validator.verdict;

import static io.deltachain.validator.verdict.ValidationResult.invalid;

/**
 * Check 3: proof of learning, measured by the validator on data the trainer did not choose.
 *
 * <ol>
 *   <li>Loss on the round's evaluation set (derived from the seed committed on chain before
 *       training) with and without the delta: the gain must reach the policy's threshold. A clear
 *       loss rise is reported as {@link ReasonCode#LOSS_INCREASED} (a harmful update, e.g. a
 *       sign-flipped one), a gain that is merely too small as
 *       {@link ReasonCode#LOSS_GAIN_BELOW_THRESHOLD} (no learning, e.g. noise).</li>
 *   <li>Templar's assigned-shard check: the gain on the trainer's assigned shard must exceed the
 *       gain on a random sample of other training data by a margin. Training on the shard fits
 *       it better than data never seen; a delta trained on anything else (another shard, other
 *       data, a copy of another trainer's work) gains about as much on the shard as on random
 *       data.</li>
 * </ol>
 * Losses are converted to micro-nats (rounded) before any comparison.
 */
public final class ProofOfLearningRule implements DeltaRule {

  static long micro(double loss) {
    return Math.round(loss * 1e6);
  }

  @Override
  public ValidationResult check(DeltaUnderReview d, CheckContext ctx, Evidence evidence) {
    LossEvaluator ev = ctx.evaluator();
    ValidatorPolicy p = ctx.policy();
    DataSplit eval = new DataSplit.EvalSet(ctx.plan().evalSeed());
    long before = micro(ev.baseLoss(eval));
    long after = micro(ev.lossWithDelta(d.dense(), eval));
    evidence.evalLoss(before, after);
    long gain = before - after;
    if (gain < -p.harmToleranceMicro()) {
      return invalid(ReasonCode.LOSS_INCREASED, "evaluation loss rose from " + before + " to " + after
          + " micro-nats (tolerance " + p.harmToleranceMicro() + ")");
    }
    if (gain < p.minEvalGainMicro()) {
      return invalid(ReasonCode.LOSS_GAIN_BELOW_THRESHOLD, "evaluation loss gain " + gain + " micro-nats is below the threshold "
          + p.minEvalGainMicro());
    }
    DataSplit shard = new DataSplit.AssignedShard(d.shardIndex());
    DataSplit random = new DataSplit.RandomSample(ctx.randomSampleSeed(), p.randomSampleSize(), d.shardIndex());
    long shardGain = micro(ev.baseLoss(shard)) - micro(ev.lossWithDelta(d.dense(), shard));
    long randomGain = micro(ev.baseLoss(random)) - micro(ev.lossWithDelta(d.dense(), random));
    evidence.shardGains(shardGain, randomGain);
    if (shardGain - randomGain < p.minShardAdvantageMicro()) {
      return invalid(ReasonCode.SHARD_GAIN_NOT_ABOVE_RANDOM, "gain on assigned shard " + d.shardIndex() + " is " + shardGain
          + " micro-nats, on random data " + randomGain + "; the shard must lead by " + p.minShardAdvantageMicro());
    }
    return ValidationResult.valid();
  }
}
