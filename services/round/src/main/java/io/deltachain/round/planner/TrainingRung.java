package io.deltachain.round.planner;

import io.deltachain.core.profile.Precision;
import io.deltachain.core.profile.TrainingMode;

/**
 * One step on a worker's ladder of training configurations, most faithful first: dense, dense
 * with activation checkpointing, LoRA, LoRA with checkpointing, QLoRA, QLoRA with
 * checkpointing. The planner climbs down a worker's ladder only when a pipeline cannot
 * otherwise be completed.
 *
 * @param mode {@link TrainingMode#STAGED} (dense updates of a span), LORA or QLORA
 * @param checkpointing whether activations are recomputed in backward instead of stored
 * @param maxLayers the most layers this rung may take (the 8-16 GiB tier's "a few" for dense)
 */
public record TrainingRung(TrainingMode mode, boolean checkpointing, int maxLayers) {
  /** Validates the rung. */
  public TrainingRung {
    if (mode == TrainingMode.FULL) {
      throw new IllegalArgumentException("a pipeline stage trains a span of layers: use STAGED, not FULL");
    }
    if (maxLayers <= 0) {
      throw new IllegalArgumentException("maxLayers must be positive, got " + maxLayers);
    }
  }

  /** Whether this rung updates the base weights. */
  public boolean dense() {
    return !mode.isLora();
  }

  /** How the base weights are stored on this rung for a worker computing in {@code compute}. */
  public Precision basePrecision(Precision compute) {
    return mode == TrainingMode.QLORA ? Precision.NF4 : compute;
  }

  /** A short label: {@code dense}, {@code lora+ckpt}, {@code qlora}, ... */
  public String label() {
    String m = switch (mode) {
      case STAGED, FULL -> "dense";
      case LORA -> "lora";
      case QLORA -> "qlora";
    };
    return checkpointing ? m + "+ckpt" : m;
  }
}
