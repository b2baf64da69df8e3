package io.deltachain.launcher.node;

import io.deltachain.core.config.ConfigKey;
import io.deltachain.core.config.ConfigKey.Kind;
import io.deltachain.core.config.ConfigReader;
import io.deltachain.core.config.ConfigView;
import io.deltachain.core.config.CoreConfig;
import io.deltachain.core.config.HttpConfig;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.round.RoundServiceConfig;
import io.deltachain.trainer.pipeline.StageToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code deltachain node} reads: the core records ({@code node.*}, {@code comet.*},
 * {@code cluster.*}, {@code delta-store.*}, {@code ipfs.*}, {@code http.*} for the round API),
 * the round service's {@code round.*}, and the keys below. {@link #from} reports every bad key at
 * once; a role's keys are checked only when it runs.
 *
 * <ul>
 *   <li>{@code node.roles}: validator, trainer, round, store, abci (list);
 *       {@code node.store-url}: the delta store clients use (default: this node's store; the round
 *       service stores each round's train and eval sets there);
 *   <li>{@code network.*}, the same on every node of a network: {@code profile} (tiny-1m),
 *       {@code base-seed} (7: the base model is the profile initialised from it),
 *       {@code dataset} ({@code europarl:600}, or a .txt/.jsonl file), {@code eval-batches} (2),
 *       {@code default-steps} (60); a round's data seed, shard count, batch and sequence length
 *       are the round's, on chain;
 *   <li>{@code trainer.*}: {@code key-file} (created when missing), {@code memory} (8GiB),
 *       {@code device} (auto or cpu), {@code heartbeat-ms} (1000), {@code probe-throughput}
 *       (true), {@code tokens-per-second} (reported when not probing), {@code attack} (none, or
 *       poison: a dishonest trainer for demos and tests);
 *   <li>{@code validator.key-file}: the CometBFT {@code priv_validator_key.json} of the node it
 *       follows (required for the validator role); {@code validator.poll-ms} (200);
 *   <li>{@code round.coordinator-key-file}: the round service's signing key (created when
 *       missing; its address must be in the genesis {@code coordinators});
 *   <li>{@code metrics.*}, on every node whatever its roles: {@code enabled} (true),
 *       {@code host} (127.0.0.1), {@code port} ({@value #DEFAULT_METRICS_PORT}; 0 picks a free
 *       port): its own HTTP server with {@code GET /metrics} (this process's Prometheus registry)
 *       and {@code GET /health}. It is always a server of its own, never the round API's or the
 *       store's (those serve /metrics too); a port that another role of this node listens on is
 *       refused;
 *   <li>{@code cluster.public-host}: the name other members reach this node at, required when
 *       {@code cluster.host} is 0.0.0.0 (in containers: the service name).
 *   <li>{@code stage.*}, the pipeline stage role: {@code host} (127.0.0.1; the address the
 *       coordinator and the neighbouring stages reach), {@code port} (7140, 0 for any free one),
 *       {@code work-dir} (checkpoints and deltas; default {@code <home>/pipeline-stage}),
 *       {@code token} (the deployment's shared stage token, at least 16 printable characters:
 *       with it the stage answers only calls that carry it; in the environment
 *       {@code DELTACHAIN_STAGE_TOKEN}).
 * </ul>
 *
 * @param roles the roles to run
 * @param core the core records
 * @param view the whole configuration (the round service reads its own keys from it)
 * @param storeUrl the delta store this node's clients use, or null when it runs the store itself
 * @param network the network's model and data settings
 * @param trainer the trainer role's settings
 * @param validatorKeyFile the validator role's key, or null
 * @param validatorPollMillis how often the validator reads new blocks
 * @param coordinatorKeyFile the round role's key
 * @param metrics the node's /metrics and /health server
 * @param clusterPublicHost the address other cluster members reach this node at, or null for {@code cluster.host}
 * @param stage the pipeline stage role's settings
 */
public record NodeSettings(Set<Role> roles, CoreConfig core, ConfigView view, URI storeUrl, Network network,
    Trainer trainer, Path validatorKeyFile, int validatorPollMillis, Path coordinatorKeyFile, Metrics metrics,
    String clusterPublicHost, Stage stage) {

  /** The default port of a node's /metrics and /health server (the Prometheus exporter convention's 9464). */
  public static final int DEFAULT_METRICS_PORT = 9464;

  /**
   * The node's metrics server.
   *
   * @param enabled false: no server (the round API and the store still serve their /metrics)
   * @param http where it listens
   */
  public record Metrics(boolean enabled, HttpConfig http) {}

  /**
   * The pipeline stage role's settings.
   *
   * @param token the stage token, or null when the stage answers anyone
   */
  public record Stage(String host, int port, Path workDir, String token) {}

  /** The network's model and data, the same on every node. */
  public record Network(String profile, int baseSeed, String dataset, int evalBatches, int defaultSteps) {}

  /** The trainer role's settings. */
  public record Trainer(Path keyFile, long memoryBytes, String device, int heartbeatMillis, boolean probeThroughput,
      int tokensPerSecond, String attack) {}

  /** Every key this launcher reads beyond the core and round service records. */
  public static final List<ConfigKey> KEYS = List.of(
      ConfigKey.of("node.roles", Kind.LIST),
      ConfigKey.of("node.store-url", Kind.STRING),
      ConfigKey.of("network.profile", Kind.STRING),
      ConfigKey.of("network.base-seed", Kind.INTEGER),
      ConfigKey.of("network.dataset", Kind.STRING),
      ConfigKey.of("network.eval-batches", Kind.INTEGER),
      ConfigKey.of("network.default-steps", Kind.INTEGER),
      ConfigKey.of("trainer.key-file", Kind.STRING),
      ConfigKey.of("trainer.memory", Kind.SIZE),
      ConfigKey.of("trainer.device", Kind.STRING),
      ConfigKey.of("trainer.heartbeat-ms", Kind.INTEGER),
      ConfigKey.of("trainer.probe-throughput", Kind.BOOLEAN),
      ConfigKey.of("trainer.tokens-per-second", Kind.INTEGER),
      ConfigKey.of("trainer.attack", Kind.STRING),
      ConfigKey.of("validator.key-file", Kind.STRING),
      ConfigKey.of("validator.poll-ms", Kind.INTEGER),
      ConfigKey.of("round.coordinator-key-file", Kind.STRING),
      ConfigKey.of("metrics.enabled", Kind.BOOLEAN),
      ConfigKey.of("metrics.host", Kind.STRING),
      ConfigKey.of("metrics.port", Kind.INTEGER),
      ConfigKey.of("cluster.public-host", Kind.STRING),

      ConfigKey.of("stage.host", Kind.STRING),
      ConfigKey.of("stage.port", Kind.INTEGER),
      ConfigKey.of("stage.work-dir", Kind.STRING),
      ConfigKey.of("stage.token", Kind.STRING));

  /** ", did you mean x?" for the known key closest to a mistyped one (at most 3 edits away), else "". */
  static String nearest(String key, List<ConfigKey> known) {
    String best = null;
    int bestDistance = 4;
    for (ConfigKey k : known) {
      int d = editDistance(key, k.path());
      if (d < bestDistance) {
        best = k.path();
        bestDistance = d;
      }
    }
    return best == null ? "" : ", did you mean " + best + "?";
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Every key, for the loader's environment mapping. */
  public static List<ConfigKey> allKeys() {
    List<ConfigKey> all = new ArrayList<>(KEYS);
    all.addAll(RoundServiceConfig.KEYS);
    return all;
  }

  /**
   * Reads and validates.
   *
   * @throws io.deltachain.core.config.ConfigException listing every bad key
   */
  public static NodeSettings from(ConfigView view) {
    ConfigReader r = view.reader();
    List<ConfigKey> known = new ArrayList<>(CoreConfig.KEYS);
    known.addAll(allKeys());
    for (String key : view.unknownKeys(known)) {
      r.problem(key, "is not a setting of deltachain node" + nearest(key, known));
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : list(view, r, "node.roles")) {
      try {
        roles.add(Role.parse(name));
      } catch (IllegalArgumentException e) {
        r.problem("node.roles", e.getMessage());
      }
    }
    if (roles.isEmpty() && r.isValid()) {
      r.problem("node.roles", "is required: one or more of validator, trainer, round, store, abci, stage");
    }
    CoreConfig core = null;
    try {
      core = CoreConfig.from(view);
    } catch (io.deltachain.core.config.ConfigException e) {
      r.addAll(e.problems());
    }
    String storeUrl = r.string("node.store-url", "");
    URI store = null;
    if (!storeUrl.isBlank()) {
      store = r.httpUrl("node.store-url", storeUrl);
    } else if (!roles.contains(Role.STORE)
        && (roles.contains(Role.TRAINER) || roles.contains(Role.VALIDATOR) || roles.contains(Role.ROUND))) {
      r.problem("node.store-url", "is required for the round, trainer and validator roles unless this node runs the"
          + " store (the round service stores each round's data there, trainers and validators fetch it)");
    }

    String profile = r.nonBlank("network.profile", "tiny-1m");
    try {
      ModelProfiles.bundled(profile);
    } catch (IllegalArgumentException e) {
      r.problem("network.profile", e.getMessage());
    }
    int baseSeed = r.integer("network.base-seed", 7, 0, Integer.MAX_VALUE);
    String dataset = r.nonBlank("network.dataset", "europarl:600");
    Network network = new Network(profile, baseSeed, dataset, r.integer("network.eval-batches", 2, 1, 10_000),
        r.integer("network.default-steps", 60, 1, 100_000_000));

    Path home = core == null ? Path.of(".") : core.node().home();
    String attack = r.string("trainer.attack", "none").strip().toLowerCase(Locale.ROOT);
    if (!attack.equals("none") && !attack.equals("poison")) {
      r.problem("trainer.attack", "must be none or poison, got '" + attack + "'");
    }
    String device = r.string("trainer.device", "auto").strip().toLowerCase(Locale.ROOT);
    if (!device.equals("auto") && !device.equals("cpu")) {
      r.problem("trainer.device", "must be auto or cpu, got '" + device + "'");
    }
    Trainer trainer = new Trainer(r.path("trainer.key-file", home.resolve("trainer_key.json")),
        r.size("trainer.memory", 8L << 30), device, r.integer("trainer.heartbeat-ms", 1000, 10, 600_000),
        r.bool("trainer.probe-throughput", true), r.integer("trainer.tokens-per-second", 0, 0, Integer.MAX_VALUE),
        attack);
    if (roles.contains(Role.TRAINER) && !trainer.probeThroughput() && trainer.tokensPerSecond() == 0) {
      r.problem("trainer.tokens-per-second", "must be set when trainer.probe-throughput is false (the round service"
          + " plans only trainers with a throughput)");
    }
    Path validatorKey = r.path("validator.key-file", null);
    if (roles.contains(Role.VALIDATOR) && validatorKey == null) {
      r.problem("validator.key-file", "is required for the validator role: the priv_validator_key.json of the"
          + " CometBFT node at comet.rpc-url");
    }
    int poll = r.integer("validator.poll-ms", 200, 10, 60_000);
    Path coordinatorKey = r.path("round.coordinator-key-file", home.resolve("coordinator_key.json"));
    if (roles.contains(Role.ROUND)) {
      try {
        RoundServiceConfig.from(view);
      } catch (io.deltachain.core.config.ConfigException e) {
        r.addAll(e.problems());
      }
    }
    String stageToken = r.string("stage.token", "");
    if (!stageToken.isEmpty()) {
      try {
        StageToken.check(stageToken, "the stage token");
      } catch (IllegalArgumentException e) {
        r.problem("stage.token", e.getMessage().substring("the stage token ".length()));
      }
    }
    Stage stage = new Stage(r.nonBlank("stage.host", "127.0.0.1"), r.integer("stage.port", 7140, 0, 65_535),
        r.path("stage.work-dir", home.resolve("pipeline-stage")), stageToken.isEmpty() ? null : stageToken);
    boolean metricsOn = r.bool("metrics.enabled", true);
    HttpConfig metricsHttp = HttpConfig.read(r, "metrics", DEFAULT_METRICS_PORT);
    if (metricsOn && metricsHttp != null && core != null) {
      checkMetricsPort(r, roles, core, metricsHttp, stage);
    }
    String publicHost = r.host("cluster.public-host", null);
    if (core != null && core.cluster().host().equals("0.0.0.0") && publicHost == null
        && roles.stream().anyMatch(x -> x != Role.ABCI && x != Role.STAGE)) {
      r.problem("cluster.public-host", "is required when cluster.host is 0.0.0.0: the name or address other"
          + " members reach this node at (in compose: the service name)");
    }
    r.throwIfInvalid();
    return new NodeSettings(Set.copyOf(roles), core, view, store, network, trainer, validatorKey, poll, coordinatorKey,
        new Metrics(metricsOn, metricsHttp), publicHost, stage);
  }

  /** The metrics server is a server of its own: refuse a port another role of this node binds. */
  private static void checkMetricsPort(ConfigReader r, Set<Role> roles, CoreConfig core, HttpConfig metrics,
      Stage stage) {
    if (metrics.port() == 0) {
      return;
    }
    List<String> taken = new ArrayList<>();
    if (roles.contains(Role.ROUND)) {
      clash(taken, metrics, core.http().host(), core.http().port(), "http.port (the round API)");
    }
    if (roles.contains(Role.STORE)) {
      int http = core.deltaStore().http().port();
      clash(taken, metrics, core.deltaStore().http().host(), http, "delta-store.http.port (the store's HTTP API)");
      if (http != 0) {
        clash(taken, metrics, core.deltaStore().http().host(), http + 1, "the store's gRPC port (delta-store.http.port + 1)");
      }
    }
    if (roles.contains(Role.ABCI)) {
      clash(taken, metrics, core.comet().abciHost(), core.comet().abciPort(), "comet.abci.port (the abci-app)");
    }
    if (roles.stream().anyMatch(x -> x != Role.ABCI && x != Role.STAGE)) {
      clash(taken, metrics, core.cluster().host(), core.cluster().port(), "cluster.port (Hazelcast)");
    }
    if (roles.contains(Role.STAGE)) {
      clash(taken, metrics, stage.host(), stage.port(), "stage.port (the pipeline stage's gRPC)");
    }
    if (!taken.isEmpty()) {
      r.problem("metrics.port", metrics.port() + " is also " + String.join(" and ", taken) + " of this node;"
          + " the metrics server is a server of its own: choose another port, or metrics.enabled=false");
    }
  }

  private static void clash(List<String> taken, HttpConfig metrics, String host, int port, String what) {
    boolean sameHost = host.equals(metrics.host()) || host.equals("0.0.0.0") || metrics.host().equals("0.0.0.0");
    if (port == metrics.port() && sameHost) {
      taken.add(what);
    }
  }

  private static List<String> list(ConfigView view, ConfigReader r, String key) {
    List<String> out = new ArrayList<>();
    Object v = view.json();
    for (String part : key.split("\\.")) {
      v = v instanceof JsonObject o ? o.getValue(part) : null;
    }
    if (v instanceof JsonArray a) {
      a.forEach(o -> out.add(String.valueOf(o)));
    } else if (v instanceof String s) {
      for (String p : s.split(",")) {
        if (!p.isBlank()) {
          out.add(p.strip());
        }
      }
    } else if (v != null) {
      r.problem(key, "must be a list of roles");
    }
    return out;
  }
}
