package io.deltachain.core.config;

import io.deltachain.core.config.ConfigKey.Kind;
import java.util.List;
import java.util.Objects;

/**
 * Where an HTTP server listens. The same record serves every HTTP endpoint under its own
 * prefix: {@code http.*} for the round service's API, {@code delta-store.http.*} for the
 * delta store.
 *
 * @param host the address to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} for all)
 * @param port 0-65535; 0 lets the OS pick a free port
 */
public record HttpConfig(String host, int port) {
  /** The prefix of the round service's API server. */
  public static final String PREFIX = "http";
  /** The default bind address: loopback only, so nothing is exposed by accident. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The default port of the round service's API. */
  public static final int DEFAULT_PORT = 8080;

  /** Validates the port. */
  public HttpConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
  }

  /** The keys an HTTP server under this prefix reads. */
  public static List<ConfigKey> keys(String prefix) {
    return List.of(ConfigKey.of(prefix + ".host", Kind.STRING), ConfigKey.of(prefix + ".port", Kind.INTEGER));
  }

  /**
   * The round service's API server ({@code http.host}, {@code http.port}).
   *
   * @throws ConfigException listing every bad key
   */
  public static HttpConfig from(ConfigView view) {
    return from(view, PREFIX, DEFAULT_PORT);
  }

  /**
   * The server under {@code prefix}, with this default port.
   *
   * @throws ConfigException listing every bad key
   */
  public static HttpConfig from(ConfigView view, String prefix, int defaultPort) {
    ConfigReader r = view.reader();
    HttpConfig config = read(r, prefix, defaultPort);
    r.throwIfInvalid();
    return config;
  }

  /** Reads into a shared reader; null when something was wrong (recorded in the reader). */
  public static HttpConfig read(ConfigReader r, String prefix, int defaultPort) {
    int before = r.problems().size();
    String host = r.host(prefix + ".host", DEFAULT_HOST);
    int port = r.port(prefix + ".port", defaultPort);
    return r.problems().size() == before ? new HttpConfig(host, port) : null;
  }
}
