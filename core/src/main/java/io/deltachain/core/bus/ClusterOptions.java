package io.deltachain.core.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a node joins the deltachain cluster: Hazelcast over TCP with an explicit member list
 * (multicast is not available everywhere), plus the event bus's own TCP endpoint.
 *
 * <p>Build with {@link #builder()}: the cluster name and bind host are required ({@code set*});
 * everything else is optional ({@code opt*}) with the defaults below; {@link Builder#build()}
 * validates. Or read {@link #fromJson} from a service config.
 *
 * @param clusterName the Hazelcast cluster name; only members with the same name join
 * @param bindHost the IPv4 address Hazelcast and the event bus listen on ({@code 127.0.0.1}
 *     for a single machine, a LAN address across machines, or {@code 0.0.0.0} for all
 *     interfaces, which then requires {@code publicHost})
 * @param publicHost the address other members reach this node at (default: bindHost)
 * @param hazelcastPort the Hazelcast member port (default 5701)
 * @param portAutoIncrement whether Hazelcast tries the next ports when the port is taken
 *     (default true); members must then list port ranges such as {@code host:5701-5703}
 * @param portCount how many ports auto-increment may try (default 20)
 * @param members other members as {@code host}, {@code host:port} or {@code host:port-port}
 *     (default: this node alone, which starts a new cluster)
 * @param eventBusHost the host the event bus listens on (default: bindHost)
 * @param eventBusPort the event bus port (default 0: any free port, advertised via Hazelcast)
 * @param eventBusPublicHost the host other members send event-bus traffic to (default: publicHost)
 */
public record ClusterOptions(
    String clusterName,
    String bindHost,
    String publicHost,
    int hazelcastPort,
    boolean portAutoIncrement,
    int portCount,
    List<String> members,
    String eventBusHost,
    int eventBusPort,
    String eventBusPublicHost) {

  /** Hazelcast's conventional member port. */
  public static final int DEFAULT_HAZELCAST_PORT = 5701;
  /** The wildcard bind address. */
  public static final String ANY_HOST = "0.0.0.0";
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}");

  /** Validates; use {@link #builder()} to get defaults. */
  public ClusterOptions {
    if (clusterName == null || !CLUSTER_NAME.matcher(clusterName).matches()) {
      throw new IllegalArgumentException("cluster name '" + clusterName + "' must be 1-100 of A-Z a-z 0-9 . _ -");
    }
    if (bindHost == null || !IPV4.matcher(bindHost).matches()) {
      throw new IllegalArgumentException("bind host '" + bindHost
          + "' must be an IPv4 address of this machine (e.g. 127.0.0.1), or 0.0.0.0 with a public host");
    }
    requireHost(publicHost, "public host");
    if (ANY_HOST.equals(publicHost)) {
      throw new IllegalArgumentException("public host must be an address other members can reach, not 0.0.0.0");
    }
    requirePort(hazelcastPort, 1, "hazelcast port");
    if (portCount < 1 || portCount > 1000) {
      throw new IllegalArgumentException("port count " + portCount + " must be between 1 and 1000");
    }
    Objects.requireNonNull(members, "members");
    members = List.copyOf(members);
    for (String m : members) {
      validateMember(m);
    }
    requireHost(eventBusHost, "event-bus host");
    requirePort(eventBusPort, 0, "event-bus port");
    requireHost(eventBusPublicHost, "event-bus public host");
  }

  /** A builder with the defaults documented on the record. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads options from JSON: {@code clusterName} and {@code bindHost} are required; the other
   * record components are optional with the builder's defaults.
   *
   * @throws IllegalArgumentException naming the bad field
   */
  public static ClusterOptions fromJson(JsonObject json) {
    String msg = "cluster";
    Builder b = builder()
        .setClusterName(BusJson.string(json, msg, "clusterName"))
        .setBindHost(BusJson.string(json, msg, "bindHost"));
    if (json.containsKey("publicHost")) {
      b.optPublicHost(BusJson.string(json, msg, "publicHost"));
    }
    if (json.containsKey("hazelcastPort")) {
      b.optHazelcastPort(BusJson.intValue(json, msg, "hazelcastPort"));
    }
    if (json.containsKey("portAutoIncrement")) {
      b.optPortAutoIncrement(BusJson.bool(json, msg, "portAutoIncrement"));
    }
    if (json.containsKey("portCount")) {
      b.optPortCount(BusJson.intValue(json, msg, "portCount"));
    }
    if (json.containsKey("members")) {
      b.optMembers(BusJson.strings(json, msg, "members"));
    }
    if (json.containsKey("eventBusHost")) {
      b.optEventBusHost(BusJson.string(json, msg, "eventBusHost"));
    }
    if (json.containsKey("eventBusPort")) {
      b.optEventBusPort(BusJson.intValue(json, msg, "eventBusPort"));
    }
    if (json.containsKey("eventBusPublicHost")) {
      b.optEventBusPublicHost(BusJson.string(json, msg, "eventBusPublicHost"));
    }
    return b.build();
  }

  /** The JSON form {@link #fromJson} reads. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("clusterName", clusterName)
        .put("bindHost", bindHost)
        .put("publicHost", publicHost)
        .put("hazelcastPort", hazelcastPort)
        .put("portAutoIncrement", portAutoIncrement)
        .put("portCount", portCount)
        .put("members", new JsonArray(new ArrayList<>(members)))
        .put("eventBusHost", eventBusHost)
        .put("eventBusPort", eventBusPort)
        .put("eventBusPublicHost", eventBusPublicHost);
  }

  /** True when Hazelcast listens on all interfaces. */
  public boolean bindsAnyHost() {
    return ANY_HOST.equals(bindHost);
  }

  private static void requireHost(String host, String what) {
    if (host == null || !HOST.matcher(host).matches()) {
      throw new IllegalArgumentException(what + " '" + host + "' is not a host name or IPv4 address");
    }
  }

  private static void requirePort(int port, int min, String what) {
    if (port < min || port > 65535) {
      throw new IllegalArgumentException(what + " " + port + " must be between " + min + " and 65535");
    }
  }

  private static void validateMember(String member) {
    if (member == null) {
      throw new IllegalArgumentException("member is null");
    }
    int colon = member.indexOf(':');
    String host = colon < 0 ? member : member.substring(0, colon);
    if (!HOST.matcher(host).matches()) {
      throw new IllegalArgumentException("member '" + member + "': '" + host + "' is not a host name or IPv4 address");
    }
    if (colon < 0) {
      return;
    }
    String ports = member.substring(colon + 1);
    String[] range = ports.split("-", -1);
    if (range.length > 2) {
      throw new IllegalArgumentException("member '" + member + "': port must be N or N-M");
    }
    int first = parsePort(member, range[0]);
    if (range.length == 2 && parsePort(member, range[1]) < first) {
      throw new IllegalArgumentException("member '" + member + "': port range ends before it starts");
    }
  }

  private static int parsePort(String member, String s) {
    int p;
    try {
      p = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("member '" + member + "': port '" + s + "' is not a number", e);
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("member '" + member + "': port " + p + " must be between 1 and 65535");
    }
    return p;
  }

  /** Builds {@link ClusterOptions}: {@code set*} are required, {@code opt*} optional. */
  public static final class Builder {
    private String clusterName;
    private String bindHost;
    private String publicHost;
    private int hazelcastPort = DEFAULT_HAZELCAST_PORT;
    private boolean portAutoIncrement = true;
    private int portCount = 20;
    private List<String> members;
    private String eventBusHost;
    private int eventBusPort;
    private String eventBusPublicHost;

    private Builder() {}

    /** Required: the cluster name. */
    public Builder setClusterName(String clusterName) {
      this.clusterName = clusterName;
      return this;
    }

    /** Required: the IPv4 address to listen on. */
    public Builder setBindHost(String bindHost) {
      this.bindHost = bindHost;
      return this;
    }

    /** The address others reach this node at. */
    public Builder optPublicHost(String publicHost) {
      this.publicHost = publicHost;
      return this;
    }

    /** The Hazelcast member port. */
    public Builder optHazelcastPort(int port) {
      this.hazelcastPort = port;
      return this;
    }

    /** Whether Hazelcast may try the following ports. */
    public Builder optPortAutoIncrement(boolean autoIncrement) {
      this.portAutoIncrement = autoIncrement;
      return this;
    }

    /** How many ports auto-increment may try. */
    public Builder optPortCount(int portCount) {
      this.portCount = portCount;
      return this;
    }

    /** The members to join ({@code host[:port[-port]]}). */
    public Builder optMembers(List<String> members) {
      this.members = members;
      return this;
    }

    /** The host the event bus listens on. */
    public Builder optEventBusHost(String host) {
      this.eventBusHost = host;
      return this;
    }

    /** The event-bus port (0: any free port). */
    public Builder optEventBusPort(int port) {
      this.eventBusPort = port;
      return this;
    }

    /** The host other members send event-bus traffic to. */
    public Builder optEventBusPublicHost(String host) {
      this.eventBusPublicHost = host;
      return this;
    }

    /**
     * Applies defaults and validates.
     *
     * @throws IllegalArgumentException naming the bad setting
     */
    public ClusterOptions build() {
      if (clusterName == null) {
        throw new IllegalArgumentException("cluster name is required (setClusterName)");
      }
      if (bindHost == null) {
        throw new IllegalArgumentException("bind host is required (setBindHost)");
      }
      if (ANY_HOST.equals(bindHost) && publicHost == null) {
        throw new IllegalArgumentException("bind host 0.0.0.0 needs a public host (optPublicHost) other members can reach");
      }
      String pub = publicHost != null ? publicHost : bindHost;
      List<String> m = members != null ? members : List.of(pub + ":" + hazelcastPort);
      String ebPublic = eventBusPublicHost != null ? eventBusPublicHost : pub;
      return new ClusterOptions(clusterName, bindHost, pub, hazelcastPort, portAutoIncrement, portCount, m,
          eventBusHost != null ? eventBusHost : bindHost, eventBusPort, ebPublic);
    }
  }
}
