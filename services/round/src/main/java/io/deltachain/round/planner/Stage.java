package io.deltachain.round.planner;

import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.MemoryEstimate;
import io.deltachain.core.profile.Precision;
import io.deltachain.core.profile.TrainingSpec;

/**
 * One worker's part of a pipeline: a contiguous span of layers, how it trains them, what that
 * costs in memory and time.
 *
 * @param index the stage's position in its pipeline, from 0
 * @param workerId the worker
 * @param gpuClass the worker's price class
 * @param tier the worker's memory tier
 * @param layers the span it trains
 * @param rung the mode and checkpointing it uses
 * @param spec the full training spec (mode, precisions, rank, span, micro-batch)
 * @param holdsEmbeddings whether it holds the embedding table (first stage)
 * @param holdsHead whether it holds the final norm and head (last stage)
 * @param memory the memory estimate of this stage
 * @param usableBytes the worker's memory less the reserve: {@code memory.totalBytes()} never exceeds it
 * @param memoryBytes the worker's memory
 * @param secondsPerToken the stage's time per token: its FLOPs over the worker's throughput
 */
public record Stage(
    int index,
    String workerId,
    String gpuClass,
    WorkerTier tier,
    LayerRange layers,
    TrainingRung rung,
    TrainingSpec spec,
    boolean holdsEmbeddings,
    boolean holdsHead,
    MemoryEstimate memory,
    long usableBytes,
    long memoryBytes,
    double secondsPerToken) {

  /** The LoRA rank, or 0 for a dense stage. */
  public int loraRank() {
    return rung.mode().isLora() ? spec.loraRank() : 0;
  }

  /** The precision the base weights are stored in. */
  public Precision basePrecision() {
    return spec.basePrecision();
  }

  /** A one-line description. */
  public String describe() {
    return String.format(java.util.Locale.ROOT, "%s layers %s %s%s (%s base, %.2f GiB of %.2f GiB)",
        workerId, layers, rung.label(), rung.mode().isLora() ? " r" + spec.loraRank() : "",
        PlanPrecisions.label(basePrecision()), memory.totalBytes() / (double) (1L << 30),
        memoryBytes / (double) (1L << 30));
  }
}
