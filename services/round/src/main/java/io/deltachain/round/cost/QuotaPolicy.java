package io.deltachain.round.cost;

import java.time.Duration;

/**
 * Limits per API client within a fixed window.
 *
 * @param requestsPerWindow API requests a client may make per window
 * @param roundsPerWindow rounds a client may start per window
 * @param window the window length
 */
public record QuotaPolicy(int requestsPerWindow, int roundsPerWindow, Duration window) {
  /** Validates. */
  public QuotaPolicy {
    if (requestsPerWindow <= 0 || roundsPerWindow <= 0) {
      throw new IllegalArgumentException("quota limits must be positive");
    }
    if (window == null || window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("quota window must be positive");
    }
  }

  /** 3600 requests (one a second, sustained) and 10 rounds per hour. */
  public static QuotaPolicy defaults() {
    return new QuotaPolicy(3600, 10, Duration.ofHours(1));
  }
}
