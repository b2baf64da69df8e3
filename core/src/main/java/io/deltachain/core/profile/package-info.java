/**
 * Model profiles: the shape of a base model (Llama or Qwen3 family) read from and written to
 * Hugging Face {@code config.json}, the bundled profiles, and the figures derived from a
 * shape: parameter counts per module and layer, FLOPs per token, and the memory a training
 * setup needs ({@link io.deltachain.core.profile.MemoryModel}).
 *
 * <p>Everything here is plain integer arithmetic on the published shapes, so the planner,
 * the scheduler and the chain can agree on sizes without loading a single tensor.
 */
package io.deltachain.core.profile;
