/**
 * Training on the DJL model: modes (full, LoRA, QLoRA, staged) restricted to layer ranges, AdamW
 * with warmup and cosine decay, gradient accumulation, global and per-layer clipping, fp16 loss
 * scaling for CUDA, and checkpoints that resume exactly.
 */
package io.deltachain.trainer.train;
