package io.deltachain.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * Configuration overrides for event-bus addresses. A service's config may carry
 * {@code "addresses": {"delta-store.stat": "staging.delta-store.stat"}}; every service looks its
 * addresses up through {@link #resolve} so that two networks can share one cluster.
 */
public final class BusAddresses {
  /** The config key holding the override map. */
  public static final String CONFIG_KEY = "addresses";

  private BusAddresses() {}

  /**
   * The address to use for {@code defaultAddress}: its override in {@code config.addresses}
   * when there is one, else the default.
   *
   * @throws IllegalArgumentException when the override is not a non-blank string
   */
  public static String resolve(JsonObject config, String defaultAddress) {
    if (config == null) {
      return defaultAddress;
    }
    Object overrides = config.getValue(CONFIG_KEY);
    if (overrides == null) {
      return defaultAddress;
    }
    if (!(overrides instanceof JsonObject map)) {
      throw new IllegalArgumentException("config." + CONFIG_KEY + " must be an object of address overrides");
    }
    Object v = map.getValue(defaultAddress);
    if (v == null) {
      return defaultAddress;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("config." + CONFIG_KEY + "." + defaultAddress + " must be a non-blank string");
    }
    return s;
  }

  static void requireSegment(String segment, String what) {
    if (segment == null || segment.isEmpty() || !segment.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '.')) {
      throw new IllegalArgumentException(what + " '" + segment + "' is not a valid address segment (printable ASCII, no dots)");
    }
  }
}
