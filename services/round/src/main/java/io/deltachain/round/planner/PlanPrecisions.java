package io.deltachain.round.planner;

import io.deltachain.core.profile.Precision;

/** The short precision names used in assignments on chain ({@code bf16}, {@code nf4}, ...). */
public final class PlanPrecisions {
  private PlanPrecisions() {}

  /** {@code fp32}, {@code bf16}, {@code fp16}, {@code int8} or {@code nf4}. */
  public static String label(Precision p) {
    return switch (p) {
      case FP32 -> "fp32";
      case BF16 -> "bf16";
      case FP16 -> "fp16";
      case INT8 -> "int8";
      case NF4 -> "nf4";
    };
  }
}
