package io.deltachain.core.config;

import io.deltachain.core.config.ConfigKey.Kind;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * The kubo (IPFS) node the delta store replicates through, when enabled.
 *
 * @param enabled whether stores use IPFS; off by default (local content-addressed disk only)
 * @param apiUrl kubo's RPC API, default {@value #DEFAULT_API_URL}
 */
public record IpfsConfig(boolean enabled, URI apiUrl) {
  /** Key of {@link #enabled()}. */
  public static final String ENABLED = "ipfs.enabled";
  /** Key of {@link #apiUrl()}. */
  public static final String API_URL = "ipfs.api-url";
  /** kubo's default API address. */
  public static final String DEFAULT_API_URL = "http://127.0.0.1:5001";
  /** The keys this record reads. */
  public static final List<ConfigKey> KEYS =
      List.of(ConfigKey.of(ENABLED, Kind.BOOLEAN), ConfigKey.of(API_URL, Kind.STRING));

  /** Requires the URL. */
  public IpfsConfig {
    Objects.requireNonNull(apiUrl, API_URL);
  }

  /**
   * Reads and validates.
   *
   * @throws ConfigException listing every bad key
   */
  public static IpfsConfig from(ConfigView view) {
    ConfigReader r = view.reader();
    IpfsConfig config = read(r);
    r.throwIfInvalid();
    return config;
  }

  /** Reads into a shared reader; null when something was wrong (recorded in the reader). */
  public static IpfsConfig read(ConfigReader r) {
    int before = r.problems().size();
    boolean enabled = r.bool(ENABLED, false);
    URI api = r.httpUrl(API_URL, DEFAULT_API_URL);
    return r.problems().size() == before ? new IpfsConfig(enabled, api) : null;
  }
}
