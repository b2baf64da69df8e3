package io.deltachain.abci.node;

import io.deltachain.abci.AbciMain;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.ledger.LedgerApp;
import io.deltachain.abci.server.AbciServerVerticle;
import io.deltachain.abci.server.Halter;
import io.deltachain.abci.store.RocksStateStore;
import io.deltachain.core.crypto.NodeKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local CometBFT network for tests, benchmarks and demos: N validators on loopback, node
 * {@code i} on address {@code 127.0.0.(i+1)} with free ports, each with its own abci-app
 * (in this JVM or as a separate {@link AbciMain} process). It uses {@link CometNodeSetup} for
 * every setup step, the same steps docs/operators.md gives as commands.
 *
 * <p>{@link #close()} kills every process it started, also from a JVM shutdown hook.
 */
public final class LocalNet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNet.class);

  /** Where each node's abci-app runs. */
  public enum AppMode {
    /** A verticle in this JVM (fast to start; cannot be kill -9'd). */
    IN_PROCESS,
    /** An {@link AbciMain} JVM started with this JVM's class path. */
    SEPARATE_JVM
  }

  /**
   * @param validators number of validators (power 10 each for 1, 1 each from {@code cometbft testnet})
   * @param dir working directory (node homes, ledgers, logs)
   * @param chainId genesis chain id
   * @param appState the ledger's genesis {@code app_state}
   * @param timeoutCommit e.g. {@code 300ms}
   * @param timeoutPropose e.g. {@code 1s}
   * @param createEmptyBlocks whether blocks are made without transactions
   * @param appMode where the apps run
   * @param logLevel CometBFT log level
   */
  public record Options(int validators, Path dir, String chainId, JsonObject appState, String timeoutCommit,
      String timeoutPropose, boolean createEmptyBlocks, AppMode appMode, String logLevel) {}

  /** One validator: its CometBFT home and process, its abci-app. */
  public final class Node {
    public final int index;
    public final Path home;
    public final String ip;
    public final int p2pPort;
    public final int rpcPort;
    public final int abciPort;
    public final String nodeId;
    public final NodeKey validatorKey;
    final Path ledgerDir;
    private Process comet;
    private Process appProcess;
    private Vertx appVertx;
    private RocksStateStore appStore;

    Node(int index, Path home, String ip, int p2pPort, int rpcPort, int abciPort, String nodeId, NodeKey key) {
      this.index = index;
      this.home = home;
      this.ip = ip;
      this.p2pPort = p2pPort;
      this.rpcPort = rpcPort;
      this.abciPort = abciPort;
      this.nodeId = nodeId;
      this.validatorKey = key;
      this.ledgerDir = home.resolve("ledger");
    }

    /** {@code http://ip:rpcPort}. */
    public String rpcUrl() {
      return "http://" + ip + ":" + rpcPort;
    }

    /** Starts the abci-app and waits until it listens. */
    public synchronized void startApp() throws IOException {
      if (options.appMode() == AppMode.SEPARATE_JVM) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            AbciMain.class.getName(), "--listen", ip + ":" + abciPort, "--data", ledgerDir.toString(),
            "--chain-id", options.chainId());
        Path log = home.resolve("abci-app.log");
        appProcess = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
          if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).lines()
              .filter(l -> l.startsWith("abci-app ready on " + ip + ":" + abciPort)).count() >= appStarts + 1) {
            appStarts++;
            return;
          }
          if (!appProcess.isAlive()) {
            throw new IOException("abci-app of node " + index + " exited with " + appProcess.exitValue() + "; see " + log);
          }
          if (System.nanoTime() > deadline) {
            throw new IOException("abci-app of node " + index + " did not start within 60 s; see " + log);
          }
          sleep(50);
        }
      }
      appVertx = Vertx.vertx();
      appStore = RocksStateStore.open(ledgerDir);
      LedgerApp app = new LedgerApp(appStore, options.chainId());
      Halter halter = (reason, cause) -> LOG.error("node {} abci-app halted: {}", index, reason, cause);
      try {
        appVertx.deployVerticle(new AbciServerVerticle(app, ip, abciPort, halter))
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("cannot start the in-process abci-app of node " + index + ": " + e.getMessage(), e);
      }
    }

    private int appStarts;

    /**
     * The last {@code abci-app ready on ... height=H app_hash=X} line of a separate app JVM:
     * what the app loaded from its store, before CometBFT connects.
     */
    public synchronized String appReadyLine() throws IOException {
      Path log = home.resolve("abci-app.log");
      if (!Files.exists(log)) {
        return null;
      }
      return Files.readString(log, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("abci-app ready on "))
          .reduce((a, b) -> b).orElse(null);
    }

    /** Kills the abci-app: SIGKILL for a separate JVM; closes the server and store in process. */
    public synchronized void killApp() {
      if (appProcess != null) {
        appProcess.destroyForcibly();
        waitFor(appProcess);
        appProcess = null;
      }
      if (appVertx != null) {
        try {
          appVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("closing node {} app: {}", index, e.toString());
        }
        appVertx = null;
        appStore.close();
        appStore = null;
      }
    }

    /** True while the separate app JVM runs (always false in process). */
    public synchronized boolean appProcessAlive() {
      return appProcess != null && appProcess.isAlive();
    }

    /** Starts {@code cometbft start} for this home (log in {@code <home>/cometbft.log}). */
    public synchronized void startComet() throws IOException {
      if (comet != null && comet.isAlive()) {
        throw new IllegalStateException("cometbft of node " + index + " is already running");
      }
      comet = new ProcessBuilder(CometNodeSetup.startCommand(home)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("cometbft.log").toFile())).start();
    }

    /** Stops CometBFT (SIGTERM, then SIGKILL after 10 s). */
    public synchronized void stopComet() {
      if (comet != null) {
        comet.destroy();
        try {
          if (!comet.waitFor(10, TimeUnit.SECONDS)) {
            comet.destroyForcibly();
            waitFor(comet);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          comet.destroyForcibly();
        }
        comet = null;
      }
    }

    /** True while CometBFT runs (it exits by itself when its app connection breaks). */
    public synchronized boolean cometAlive() {
      return comet != null && comet.isAlive();
    }

    /** Waits for CometBFT to exit by itself (after its app died). */
    public boolean awaitCometExit(Duration timeout) throws InterruptedException {
      Process p;
      synchronized (this) {
        p = comet;
      }
      return p == null || p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops both processes. */
    public void stop() {
      stopComet();
      killApp();
    }

    /** Starts the app, then CometBFT. */
    public void start() throws IOException {
      startApp();
      startComet();
    }
  }

  private final Options options;
  private final List<Node> nodes = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::killAll, "localnet-cleanup");

  private LocalNet(Options options) {
    this.options = options;
  }

  /** Creates the node homes (keys, genesis, config) without starting anything. */
  public static LocalNet create(Options o) throws IOException {
    if (o.validators() < 1 || o.validators() > 64) {
      throw new IllegalArgumentException("validators must be 1..64, got " + o.validators());
    }
    Files.createDirectories(o.dir());
    List<Path> homes;
    if (o.validators() == 1) {
      Path home = o.dir().resolve("node0");
      CometNodeSetup.init(home);
      homes = List.of(home);
    } else {
      homes = CometNodeSetup.testnet(o.validators(), o.dir());
    }
    LocalNet net = new LocalNet(o);
    for (int i = 0; i < homes.size(); i++) {
      String ip = "127.0.0." + (i + 1);
      net.nodes.add(net.new Node(i, homes.get(i), ip, freePort(ip), freePort(ip), freePort(ip),
          CometNodeSetup.nodeId(homes.get(i)), CometNodeSetup.validatorKey(homes.get(i))));
    }
    // One genesis for all: chain id and the ledger's app_state, then the identical file everywhere.
    Path first = homes.get(0);
    CometNodeSetup.setGenesis(first, o.chainId(), o.appState());
    for (int i = 1; i < homes.size(); i++) {
      Files.copy(first.resolve("config/genesis.json"), homes.get(i).resolve("config/genesis.json"), StandardCopyOption.REPLACE_EXISTING);
    }
    for (Node n : net.nodes) {
      StringBuilder peers = new StringBuilder();
      for (Node p : net.nodes) {
        if (p != n) {
          peers.append(peers.length() == 0 ? "" : ",").append(p.nodeId).append('@').append(p.ip).append(':').append(p.p2pPort);
        }
      }
      CometNodeSetup.configure(n.home, CometNodeSetup.NodeSettings.none()
          .withMoniker("validator-" + n.index)
          .withProxyApp("tcp://" + n.ip + ":" + n.abciPort)
          .withRpcLaddr("tcp://" + n.ip + ":" + n.rpcPort)
          .withP2pLaddr("tcp://" + n.ip + ":" + n.p2pPort)
          .withPersistentPeers(peers.toString())
          .withPrivateNetwork(true)
          .withTimeoutCommit(o.timeoutCommit())
          .withTimeoutPropose(o.timeoutPropose())
          .withCreateEmptyBlocks(o.createEmptyBlocks())
          .withLogLevel(o.logLevel())
          .withRpcMaxBatch(ChainClient.DEFAULT_MAX_BATCH));
    }
    Runtime.getRuntime().addShutdownHook(net.shutdownHook);
    return net;
  }

  /** The nodes, by index. */
  public List<Node> nodes() {
    return nodes;
  }

  /** Node {@code i}. */
  public Node node(int i) {
    return nodes.get(i);
  }

  /** The options this network was created with. */
  public Options options() {
    return options;
  }

  /** Starts every app, then every CometBFT. */
  public void start() throws IOException {
    for (Node n : nodes) {
      n.startApp();
    }
    for (Node n : nodes) {
      n.startComet();
    }
  }

  private void killAll() {
    for (Node n : nodes) {
      try {
        n.stop();
      } catch (RuntimeException e) {
        LOG.warn("stopping node {}: {}", n.index, e.toString());
      }
    }
  }

  /** Stops every process; the directory stays (see {@link #deleteDirectory}). */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running already
    }
  }

  /** Deletes the network's directory (after {@link #close()}). */
  public void deleteDirectory() throws IOException {
    if (!Files.exists(options.dir())) {
      return;
    }
    try (Stream<Path> walk = Files.walk(options.dir())) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A port that was free on {@code ip} a moment ago. */
  public static int freePort(String ip) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
      return s.getLocalPort();
    }
  }

  private static void waitFor(Process p) {
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
