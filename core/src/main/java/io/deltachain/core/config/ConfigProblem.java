package io.deltachain.core.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration.
 *
 * @param key the dotted key at fault, e.g. {@code delta-store.http.port}
 * @param problem what is wrong, e.g. {@code must be a port 0-65535, got 70000}
 * @param source where the value came from (a file, an environment variable), or null
 */
public record ConfigProblem(String key, String problem, String source) {
  /** Requires key and problem. */
  public ConfigProblem {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(problem, "problem");
  }

  @Override
  public String toString() {
    return key + ": " + problem + (source == null ? "" : " (from " + source + ")");
  }
}
