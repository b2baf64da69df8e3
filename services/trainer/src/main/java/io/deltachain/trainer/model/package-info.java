/**
 * The decoder-only transformer (Llama / Qwen3 layout) as DJL blocks, driven entirely by a
 * {@link io.deltachain.core.profile.ModelProfile}: parameters carry Hugging Face tensor names, so
 * checkpoints, deltas and PEFT adapters interoperate with the Python ecosystem without renaming.
 */
package io.deltachain.trainer.model;
