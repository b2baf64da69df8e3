package io.deltachain.round.planner;

/**
 * The memory tiers that decide what a worker may do (the thresholds are in
 * {@link PlannerConfig}; the defaults are 4, 8 and 16 GiB).
 */
public enum WorkerTier {
  /** Below 4 GiB: validation or speculative (draft) decoding only, no training. */
  VALIDATION_ONLY,
  /** 4 to 8 GiB: LoRA or QLoRA adapters, rank capped (16 by default). */
  ADAPTER,
  /** 8 to 16 GiB: dense training of a few layers (or adapters when no layer fits densely). */
  DENSE_FEW,
  /** Above 16 GiB: dense training of many or all layers. */
  DENSE_MANY
}
