package io.deltachain.trainer.model;

import java.util.List;
import java.util.Set;

/**
 * LoRA adapter settings, as PEFT's {@code LoraConfig}: {@code y = W x + (alpha / r) B A dropout(x)}.
 *
 * @param rank r
 * @param alpha lora_alpha
 * @param dropout dropout on the adapter input during training
 * @param targetModules projection names such as q_proj, v_proj, gate_proj
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targetModules) {

  /** Every projection LoRA may target. */
  public static final Set<String> KNOWN_MODULES =
      Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  /** Validates the settings. */
  public LoraConfig {
    if (rank <= 0) {
      throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
    }
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
    }
    if (targetModules == null || targetModules.isEmpty()) {
      throw new IllegalArgumentException("LoRA needs at least one target module");
    }
    for (String m : targetModules) {
      if (!KNOWN_MODULES.contains(m)) {
        throw new IllegalArgumentException("unknown LoRA target module '" + m + "', known: " + KNOWN_MODULES);
      }
    }
    targetModules = List.copyOf(targetModules);
  }

  /** @return alpha / rank */
  public double scaling() {
    return alpha / rank;
  }

  /**
   * The usual attention-and-MLP adapter.
   *
   * @param rank rank
   * @param alpha alpha
   * @return a config targeting all seven projections with no dropout
   */
  public static LoraConfig allLinear(int rank, double alpha) {
    return new LoraConfig(rank, alpha, 0.0,
        List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"));
  }
}
