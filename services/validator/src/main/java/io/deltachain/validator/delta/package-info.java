/**
 * Layer deltas as the validator sees them in memory: named dense tensors in a fixed (sorted)
 * order, and LoRA factor pairs mapped to dense delta W = (alpha / r) * B * A in a fixed
 * arithmetic order, so that every validator derives the same dense delta from the same file.
 */
package io.deltachain.validator.delta;
