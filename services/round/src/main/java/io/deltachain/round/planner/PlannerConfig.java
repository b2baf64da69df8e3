package io.deltachain.round.planner;

import io.deltachain.core.profile.Optimizer;

/**
 * The planner's policy knobs. Use {@link #defaults()} and the {@code with*} methods.
 *
 * @param validationOnlyBelowBytes below this a worker only validates or drafts (4 GiB)
 * @param adapterBelowBytes below this a worker trains adapters only (8 GiB)
 * @param denseFewUpToBytes up to this a worker trains only a few layers densely (16 GiB)
 * @param adapterTierMaxRank the LoRA rank cap for the adapter tier (16)
 * @param denseFewLayerFraction "a few" layers as a fraction of the model's layers (1/4)
 * @param reservedFraction memory kept back for the framework's workspace, as a fraction (5 %)
 * @param reservedBytes memory kept back besides, for the CUDA context and allocator (512 MiB)
 * @param maxStagesPerPipeline the longest pipeline the planner builds (8)
 * @param rebalanceMinGain a rebalance moves workers only when throughput improves by more
 *     than this fraction (0.25, as Petals)
 * @param imbalanceWarnRatio warn when the bottleneck stage is this much slower than a
 *     perfectly balanced stage would be (1.25)
 * @param fusedAttention whether trainers run fused (flash-style) attention
 * @param optimizer the optimizer whose state the memory model counts
 */
public record PlannerConfig(
    long validationOnlyBelowBytes,
    long adapterBelowBytes,
    long denseFewUpToBytes,
    int adapterTierMaxRank,
    double denseFewLayerFraction,
    double reservedFraction,
    long reservedBytes,
    int maxStagesPerPipeline,
    double rebalanceMinGain,
    double imbalanceWarnRatio,
    boolean fusedAttention,
    Optimizer optimizer) {

  private static final long GIB = 1L << 30;

  /** Validates the knobs. */
  public PlannerConfig {
    if (!(0 < validationOnlyBelowBytes && validationOnlyBelowBytes <= adapterBelowBytes
        && adapterBelowBytes <= denseFewUpToBytes)) {
      throw new IllegalArgumentException("tier thresholds must be positive and ascending");
    }
    if (adapterTierMaxRank <= 0) {
      throw new IllegalArgumentException("adapterTierMaxRank must be positive");
    }
    if (!(denseFewLayerFraction > 0 && denseFewLayerFraction <= 1)) {
      throw new IllegalArgumentException("denseFewLayerFraction must be in (0, 1]");
    }
    if (!(reservedFraction >= 0 && reservedFraction < 1) || reservedBytes < 0) {
      throw new IllegalArgumentException("memory reserve must be a fraction in [0, 1) and non-negative bytes");
    }
    if (maxStagesPerPipeline <= 0) {
      throw new IllegalArgumentException("maxStagesPerPipeline must be positive");
    }
    if (!(rebalanceMinGain >= 0) || !(imbalanceWarnRatio >= 1)) {
      throw new IllegalArgumentException("rebalanceMinGain must be >= 0 and imbalanceWarnRatio >= 1");
    }
  }

  /** The documented defaults. */
  public static PlannerConfig defaults() {
    return new PlannerConfig(4 * GIB, 8 * GIB, 16 * GIB, 16, 0.25, 0.05, 512L << 20, 8, 0.25, 1.25, false,
        Optimizer.ADAMW);
  }

  /** A copy with another pipeline length limit. */
  public PlannerConfig withMaxStagesPerPipeline(int max) {
    return new PlannerConfig(validationOnlyBelowBytes, adapterBelowBytes, denseFewUpToBytes, adapterTierMaxRank,
        denseFewLayerFraction, reservedFraction, reservedBytes, max, rebalanceMinGain, imbalanceWarnRatio,
        fusedAttention, optimizer);
  }

  /** A copy with another memory reserve. */
  public PlannerConfig withReserve(double fraction, long bytes) {
    return new PlannerConfig(validationOnlyBelowBytes, adapterBelowBytes, denseFewUpToBytes, adapterTierMaxRank,
        denseFewLayerFraction, fraction, bytes, maxStagesPerPipeline, rebalanceMinGain, imbalanceWarnRatio,
        fusedAttention, optimizer);
  }

  /** The tier of a worker with this much memory. */
  public WorkerTier tierOf(long memoryBytes) {
    if (memoryBytes < validationOnlyBelowBytes) {
      return WorkerTier.VALIDATION_ONLY;
    }
    if (memoryBytes < adapterBelowBytes) {
      return WorkerTier.ADAPTER;
    }
    if (memoryBytes <= denseFewUpToBytes) {
      return WorkerTier.DENSE_FEW;
    }
    return WorkerTier.DENSE_MANY;
  }

  /** The memory a plan may use on a worker with this much: total less both reserves. */
  public long usableBytes(long memoryBytes) {
    long usable = (long) (memoryBytes * (1 - reservedFraction)) - reservedBytes;
    return Math.max(0, usable);
  }
}
