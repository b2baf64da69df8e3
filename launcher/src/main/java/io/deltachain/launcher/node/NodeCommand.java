package io.deltachain.launcher.node;

import io.deltachain.core.config.ConfigException;
import io.deltachain.core.config.ConfigLoader;
import io.deltachain.core.config.ConfigView;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deltachain node --roles validator,trainer,round,store,abci}: one JVM running the chosen
 * roles for a real deployment. Settings come from a JSON file ({@code --config}), then
 * {@code DELTACHAIN_*} environment variables, then the flags (see {@link NodeSettings} and
 * docs/operators.md). Exit codes: 2 for a bad configuration (every bad key is named), 1 when a
 * role fails to start; otherwise it runs until stopped (SIGINT/SIGTERM stop every role).
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run deltachain roles (validator, trainer, round, store, abci) in this JVM, joined to the cluster"
        + " and talking to an existing CometBFT node. See docs/operators.md.")
public final class NodeCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", description = "a JSON configuration file")
  Path config;
  @Option(names = "--roles", split = ",", description = "roles to run: validator, trainer, round, store, abci")
  List<String> roles;
  @Option(names = "--chain-id", description = "node.chain-id")
  String chainId;
  @Option(names = "--home", description = "node.home: keys, work files, ledger")
  String home;
  @Option(names = "--moniker", description = "node.moniker")
  String moniker;
  @Option(names = "--rpc", description = "comet.rpc-url: the CometBFT node's RPC, e.g. http://127.0.0.1:26657")
  String rpc;
  @Option(names = "--store-url", description = "node.store-url: the delta store's HTTP API")
  String storeUrl;
  @Option(names = "--cluster-name", description = "cluster.name")
  String clusterName;
  @Option(names = "--cluster-host", description = "cluster.host: the address Hazelcast binds and announces")
  String clusterHost;
  @Option(names = "--cluster-public-host",
      description = "cluster.public-host: the name other members reach this node at (required with --cluster-host 0.0.0.0)")
  String clusterPublicHost;
  @Option(names = "--cluster-port", description = "cluster.port")
  Integer clusterPort;
  @Option(names = "--members", split = ",", description = "cluster.members: other members as host:port")
  List<String> members;
  @Option(names = "--metrics-host", description = "metrics.host: where GET /metrics and /health listen (default 127.0.0.1)")
  String metricsHost;
  @Option(names = "--metrics-port",
      description = "metrics.port: GET /metrics and /health of this node, whatever its roles (default 9464; 0: a free port)")
  Integer metricsPort;
  @Option(names = "--set", description = "any other key, e.g. --set trainer.attack=poison (repeatable)")
  Map<String, String> sets = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    // an operator wants to see what the services do (before the first logger is made)
    if (System.getProperty("org.slf4j.simpleLogger.log.io.deltachain") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.io.deltachain", "info");
    }
    NodeSettings settings;
    try {
      settings = settings(System.getenv(), null);
    } catch (ConfigException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("deltachain node: bad configuration: " + e.getMessage());
      return 2;
    }
    NodeRunner runner = new NodeRunner(settings, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      runner.close();
      stopped.countDown();
    }, "deltachain-node-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      runner.start();
    } catch (Exception e) {
      spec.commandLine().getErr().println("deltachain node: a role failed to start: " + e.getMessage());
      Runtime.getRuntime().removeShutdownHook(hook);
      runner.close();
      return 1;
    }
    stopped.await();
    return 0;
  }

  /**
   * The settings these options give in this environment, loaded as the command loads them (the
   * file, then {@code DELTACHAIN_*} variables, then the flags).
   *
   * @param configFile read instead of {@code --config} when not null (a file mounted elsewhere)
   * @throws ConfigException naming every bad key
   */
  public NodeSettings settings(Map<String, String> environment, Path configFile) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (roles != null) {
      overrides.put("node.roles", String.join(",", roles));
    }
    put(overrides, "node.chain-id", chainId);
    put(overrides, "node.home", home);
    put(overrides, "node.moniker", moniker);
    put(overrides, "comet.rpc-url", rpc);
    put(overrides, "node.store-url", storeUrl);
    put(overrides, "cluster.name", clusterName);
    put(overrides, "cluster.host", clusterHost);
    put(overrides, "cluster.public-host", clusterPublicHost);
    put(overrides, "metrics.host", metricsHost);
    if (metricsPort != null) {
      overrides.put("metrics.port", metricsPort.toString());
    }
    if (clusterPort != null) {
      overrides.put("cluster.port", clusterPort.toString());
    }
    if (members != null) {
      overrides.put("cluster.members", String.join(",", members));
    }
    overrides.putAll(sets);
    ConfigLoader.Builder b = ConfigLoader.builder().optEnvironment(environment)
        .optKnownKeys(NodeSettings.allKeys()).optOverrides(overrides);
    Path file = configFile != null ? configFile : config;
    if (file != null) {
      b.optFile(file);
    }
    ConfigView view = b.build().load();
    return NodeSettings.from(view);
  }

  private static void put(Map<String, Object> overrides, String key, String value) {
    if (value != null) {
      overrides.put(key, value);
    }
  }
}
