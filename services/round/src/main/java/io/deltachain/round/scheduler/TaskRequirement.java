package io.deltachain.round.scheduler;

import java.util.Set;

/**
 * What a task needs from a worker.
 *
 * @param minMemoryBytes the memory the task's stage needs (from the plan)
 * @param excluded workers that must not get it (the one being replaced, say)
 */
public record TaskRequirement(long minMemoryBytes, Set<String> excluded) {
  /** Copies. */
  public TaskRequirement {
    excluded = excluded == null ? Set.of() : Set.copyOf(excluded);
    if (minMemoryBytes < 0) {
      throw new IllegalArgumentException("minMemoryBytes must not be negative");
    }
  }

  /** A requirement of memory only. */
  public static TaskRequirement memory(long minMemoryBytes) {
    return new TaskRequirement(minMemoryBytes, Set.of());
  }
}
