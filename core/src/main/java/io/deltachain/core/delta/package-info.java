/**
 * Delta files, deltachain's universal format for what a trainer submits: a safetensors file
 * whose {@code __metadata__} follows a versioned schema ({@link io.deltachain.core.delta.DeltaMetadata})
 * and whose tensors hold a dense, LoRA or top-k sparse update of one layer, stored as fp32,
 * fp16, bf16, int8 (per-row absmax), int4 or NF4 (blockwise, optionally double-quantized).
 *
 * <p>Also here: the arithmetic on deltas that must be bit-identical on every validator
 * (LoRA to dense, applying a delta, quantization, top-k with error feedback), all in plain Java
 * loops in a fixed order, and conversion to and from Hugging Face PEFT LoRA adapters.
 */
package io.deltachain.core.delta;
