package io.deltachain.validator.testmodel;

import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.verdict.DataSplit;
import io.deltachain.validator.verdict.LossEvaluator;
import java.util.HashMap;
import java.util.Map;

/** A {@link LossEvaluator} over the tiny model: real cross-entropy on the split's examples. */
public final class TinyMlpEvaluator implements LossEvaluator {
  private final TinyMlp base;
  private final TinyTask task;
  private final Map<DataSplit, TinyTask.Data> cache = new HashMap<>();

  /** Evaluates deltas against this base model on this task. */
  public TinyMlpEvaluator(TinyMlp base, TinyTask task) {
    this.base = base;
    this.task = task;
  }

  /** Resolves a split into examples. */
  public TinyTask.Data data(DataSplit split) {
    return cache.computeIfAbsent(split, s -> {
      if (s instanceof DataSplit.EvalSet e) {
        return task.evalSet(e.seed());
      } else if (s instanceof DataSplit.AssignedShard a) {
        return task.shard(a.shardIndex());
      } else if (s instanceof DataSplit.RandomSample r) {
        // fresh draws from the data distribution: never part of any shard
        return task.sample(0xA11CEL ^ r.seed(), r.size());
      }
      throw new IllegalArgumentException("unknown split " + s);
    });
  }

  @Override
  public double baseLoss(DataSplit split) {
    return base.meanLoss(data(split));
  }

  @Override
  public double lossWithDelta(LayerDelta delta, DataSplit split) {
    return base.plus(delta).meanLoss(data(split));
  }
}
