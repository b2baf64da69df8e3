package io.deltachain.core.delta;

import java.util.Locale;

/** What a delta file holds. */
public enum DeltaKind {
  /** Full-size updates {@code ΔW} of whole tensors. */
  DENSE,
  /** Low-rank factors: {@code ΔW = alpha/r · B·A} per module. */
  LORA,
  /** The top-k entries of each update: flat indices and values. */
  SPARSE;

  /** The name used in metadata ({@code dense}, {@code lora}, {@code sparse}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; {@code null} if unknown. */
  public static DeltaKind fromWireName(String s) {
    for (DeltaKind k : values()) {
      if (k.wireName().equals(s)) {
        return k;
      }
    }
    return null;
  }
}
