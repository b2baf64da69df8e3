package io.deltachain.core.config;

import io.deltachain.core.config.ConfigKey.Kind;
import java.util.List;
import java.util.Objects;

/**
 * How this process joins the Hazelcast-clustered event bus: over TCP to an explicit member
 * list (multicast is not available everywhere).
 *
 * @param host the address Hazelcast binds and announces
 * @param port Hazelcast's port, default {@value #DEFAULT_PORT}
 * @param members other members as {@code host:port}; empty starts a cluster of one
 * @param clusterName members with different names never join each other
 */
public record ClusterConfig(String host, int port, List<HostPort> members, String clusterName) {
  /** Key of {@link #host()}. */
  public static final String HOST = "cluster.host";
  /** Key of {@link #port()}. */
  public static final String PORT = "cluster.port";
  /** Key of {@link #members()}: a JSON list, or comma-separated text. */
  public static final String MEMBERS = "cluster.members";
  /** Key of {@link #clusterName()}. */
  public static final String NAME = "cluster.name";
  /** Hazelcast's default port. */
  public static final int DEFAULT_PORT = 5701;
  /** The cluster name when none is configured. */
  public static final String DEFAULT_NAME = "deltachain";
  /** The keys this record reads. */
  public static final List<ConfigKey> KEYS = List.of(
      ConfigKey.of(HOST, Kind.STRING),
      ConfigKey.of(PORT, Kind.INTEGER),
      ConfigKey.of(MEMBERS, Kind.LIST),
      ConfigKey.of(NAME, Kind.STRING));

  /** Copies the member list and validates the port. */
  public ClusterConfig {
    Objects.requireNonNull(host, HOST);
    Objects.requireNonNull(clusterName, NAME);
    members = List.copyOf(members);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(PORT + " must be 0-65535, got " + port);
    }
  }

  /**
   * Reads and validates.
   *
   * @throws ConfigException listing every bad key
   */
  public static ClusterConfig from(ConfigView view) {
    ConfigReader r = view.reader();
    ClusterConfig config = read(r);
    r.throwIfInvalid();
    return config;
  }

  /** Reads into a shared reader; null when something was wrong (recorded in the reader). */
  public static ClusterConfig read(ConfigReader r) {
    int before = r.problems().size();
    String host = r.host(HOST, HttpConfig.DEFAULT_HOST);
    int port = r.port(PORT, DEFAULT_PORT);
    List<HostPort> members = r.hostPorts(MEMBERS);
    String name = r.nonBlank(NAME, DEFAULT_NAME);
    return r.problems().size() == before ? new ClusterConfig(host, port, members, name) : null;
  }
}
