package io.deltachain.core.profile;

/** How a trainer updates the base model's layers. */
public enum TrainingMode {
  /** Every parameter of the trained layers (all layers, embeddings and head by default). */
  FULL,
  /** Low-rank adapters on chosen linear modules; the base stays frozen in 16/32-bit or int8. */
  LORA,
  /** LoRA over a base quantized to NF4 (QLoRA): frozen 4-bit base, 16-bit adapters. */
  QLORA,
  /** Dense updates of a range of layers, one stage of the model at a time; costed as FULL. */
  STAGED;

  /** Whether the mode trains adapters rather than the base weights. */
  public boolean isLora() {
    return this == LORA || this == QLORA;
  }
}
