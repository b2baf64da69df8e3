package io.deltachain.round.planner;

import java.util.Locale;

/** What a round asks for; the planner picks each worker's mode within it. */
public enum PlanMode {
  /** Each worker trains as its tier allows: dense where memory permits, adapters elsewhere. */
  HYBRID,
  /** Dense (staged) updates only; workers that cannot hold a dense layer do not train. */
  DENSE,
  /** LoRA adapters, falling back to QLoRA where a bf16/fp16 base does not fit. */
  LORA,
  /** QLoRA adapters over an NF4 base only. */
  QLORA;

  /**
   * Parses the API's spelling ({@code hybrid}, {@code dense} or {@code full}, {@code lora},
   * {@code qlora}).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static PlanMode parse(String text) {
    String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "hybrid" -> HYBRID;
      case "dense", "full", "staged" -> DENSE;
      case "lora" -> LORA;
      case "qlora" -> QLORA;
      default -> throw new IllegalArgumentException(
          "mode must be one of hybrid, dense, lora, qlora; got '" + text + "'");
    };
  }

  /** The API spelling. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
