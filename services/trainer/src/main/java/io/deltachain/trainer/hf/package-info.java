/**
 * Hugging Face checkpoints in and out of the DJL model: single-file and sharded safetensors with
 * HF tensor names plus {@code config.json}, read and written through the core tensor library
 * (bf16 and fp16 widen to fp32 in Java before reaching DJL, whose PyTorch engine aborts on bf16).
 */
package io.deltachain.trainer.hf;
