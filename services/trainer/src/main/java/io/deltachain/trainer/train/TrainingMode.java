package io.deltachain.trainer.train;

/** How a task changes the model; the names match the chain's {@code TrainingMode} enum. */
public enum TrainingMode {
    /** Every weight of the assigned layers is trained; the delta is dense. */
    FULL,
    /** Low-rank adapters on a frozen base; the delta is the adapter. */
    LORA,
    /** LoRA on a base held in NF4 and dequantised in the forward pass. */
    QLORA,
    /** Full training with progressive unfreezing from the top of the range downwards. */
    STAGED;

    /** @return whether the mode trains adapters rather than base weights */
    public boolean usesAdapters() {
        return this == LORA || this == QLORA;
    }
}
