package io.deltachain.core.profile;

import java.util.Locale;

/**
 * The memory one trainer needs for a {@link TrainingSpec} on a {@link ModelProfile}, by
 * category, in bytes. See {@link MemoryModel} for how each figure is computed.
 *
 * @param trainableParameters parameters that receive gradients (LoRA adapters, or the
 *     trained layers' weights)
 * @param frozenParameters base parameters that stay fixed
 * @param weightBytes every weight held for the forward pass: the base (frozen and trained) in
 *     its storage precision plus LoRA adapters in compute precision
 * @param masterWeightBytes fp32 master copies of trained parameters held in 16 bits
 * @param gradientBytes gradients of the trained parameters, in their working precision
 * @param optimizerBytes optimizer state, fp32
 * @param activationBytes activations kept for backward, for one micro-batch
 */
public record MemoryEstimate(
    long trainableParameters,
    long frozenParameters,
    long weightBytes,
    long masterWeightBytes,
    long gradientBytes,
    long optimizerBytes,
    long activationBytes) {

  private static final double GIB = 1024.0 * 1024.0 * 1024.0;

  /** Everything together. */
  public long totalBytes() {
    return Math.addExact(
        Math.addExact(Math.addExact(weightBytes, masterWeightBytes), Math.addExact(gradientBytes, optimizerBytes)),
        activationBytes);
  }

  /** Everything but activations: what the model and its training state occupy. */
  public long modelStateBytes() {
    return totalBytes() - activationBytes;
  }

  /** One line, in GiB: weights, master, gradients, optimizer, activations, total. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "trainable %,d params; weights %.2f GiB, master %.2f GiB, gradients %.2f GiB,"
            + " optimizer %.2f GiB, activations %.2f GiB, total %.2f GiB",
        trainableParameters,
        weightBytes / GIB,
        masterWeightBytes / GIB,
        gradientBytes / GIB,
        optimizerBytes / GIB,
        activationBytes / GIB,
        totalBytes() / GIB);
  }
}
