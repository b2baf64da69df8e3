/**
 * Tensor files: a strict, memory-mapped reader and an atomic, streaming writer for the
 * Hugging Face safetensors format (files of any size, including shards above 2 GB), sharded
 * checkpoints with their {@code model.safetensors.index.json}, and the float16/bfloat16
 * conversions the PyTorch engine cannot do for us.
 *
 * <p>Everything here is plain Java: no native code and no engine, so validators can read and
 * hash checkpoints bit-identically on any machine.
 */
package io.deltachain.core.tensor;
