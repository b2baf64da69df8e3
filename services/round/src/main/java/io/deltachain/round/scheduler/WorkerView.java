package io.deltachain.round.scheduler;

import java.util.Objects;

/**
 * What the scheduler knows about a worker from its registration.
 *
 * @param id the worker's id
 * @param gpuClass the price class
 * @param memoryBytes accelerator memory
 * @param registeredTokensPerSecond the throughput it reported when it registered (its own
 *     benchmark); measured throughput replaces it once tasks report
 */
public record WorkerView(String id, String gpuClass, long memoryBytes, double registeredTokensPerSecond) {
  /** Validates. */
  public WorkerView {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(gpuClass, "gpuClass");
    if (memoryBytes < 0 || registeredTokensPerSecond < 0) {
      throw new IllegalArgumentException("worker " + id + ": memory and throughput must not be negative");
    }
  }
}
