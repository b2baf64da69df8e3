package io.deltachain.round.planner;

import io.deltachain.core.profile.ModelProfile;
import java.util.Objects;

/**
 * What the planner knows about one worker.
 *
 * @param id the worker's id (its node address in hex, or a moniker in tests)
 * @param memoryBytes accelerator memory available for training
 * @param flopsPerSecond sustained training throughput, in FLOP/s (measured, not nominal peak)
 * @param gpuClass the price class used for cost accounting ({@code h100}, {@code rtx4090}, ...)
 * @param bf16 whether the device computes in bfloat16; when not, the planner uses fp16
 */
public record WorkerSpec(String id, long memoryBytes, double flopsPerSecond, String gpuClass, boolean bf16) {
  /** Validates the figures. */
  public WorkerSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(gpuClass, "gpuClass");
    if (id.isBlank()) {
      throw new IllegalArgumentException("worker id must not be blank");
    }
    if (memoryBytes <= 0) {
      throw new IllegalArgumentException("worker " + id + ": memory must be positive, got " + memoryBytes);
    }
    if (!(flopsPerSecond > 0) || Double.isInfinite(flopsPerSecond)) {
      throw new IllegalArgumentException(
          "worker " + id + ": throughput must be a positive number of FLOP/s, got " + flopsPerSecond);
    }
  }

  /** A bf16-capable worker. */
  public static WorkerSpec of(String id, long memoryBytes, double flopsPerSecond, String gpuClass) {
    return new WorkerSpec(id, memoryBytes, flopsPerSecond, gpuClass, true);
  }

  /**
   * A worker whose throughput was measured in training tokens per second on a reference model
   * (the trainer's start-up benchmark), converted to FLOP/s with that model's training FLOPs per
   * token, so that it applies to any other model.
   */
  public static WorkerSpec fromTokensPerSecond(
      String id, long memoryBytes, double tokensPerSecond, ModelProfile reference, int sequenceLength,
      String gpuClass, boolean bf16) {
    double flopsPerToken = reference.cost().trainingFlopsPerToken(sequenceLength, false);
    return new WorkerSpec(id, memoryBytes, tokensPerSecond * flopsPerToken, gpuClass, bf16);
  }

  /** Memory in GiB, for messages. */
  public double memoryGiB() {
    return memoryBytes / (double) (1L << 30);
  }
}
