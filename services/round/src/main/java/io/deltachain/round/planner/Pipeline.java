package io.deltachain.round.planner;

import java.util.List;

/**
 * A chain of stages that together cover every layer once, in order. Each pipeline trains on
 * its own data shard (its index), so pipelines are data-parallel replicas.
 *
 * @param index the pipeline's index, which is also its data shard index
 * @param stages the stages, first layer first
 * @param bottleneckStage the index of the slowest stage
 * @param balancedSecondsPerToken the stage time a perfect split of the same work over the same
 *     workers would give (total FLOPs over total throughput)
 */
public record Pipeline(int index, List<Stage> stages, int bottleneckStage, double balancedSecondsPerToken) {
  /** Copies the stages. */
  public Pipeline {
    stages = List.copyOf(stages);
  }

  /** The slowest stage, which sets the pipeline's pace. */
  public Stage bottleneck() {
    return stages.get(bottleneckStage);
  }

  /** Training tokens per second through this pipeline: one over the slowest stage's time. */
  public double tokensPerSecond() {
    return 1.0 / bottleneck().secondsPerToken();
  }

  /** How much slower the bottleneck is than a perfectly balanced stage (1.0 = balanced). */
  public double imbalance() {
    return bottleneck().secondsPerToken() / balancedSecondsPerToken;
  }

  /** The workers of this pipeline, first stage first. */
  public List<String> workerIds() {
    return stages.stream().map(Stage::workerId).toList();
  }
}
