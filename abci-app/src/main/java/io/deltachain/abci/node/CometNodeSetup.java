package io.deltachain.abci.node;

import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.node.NodeBinaries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sets up a CometBFT v0.38 node home for a deltachain validator: {@code cometbft init} or
 * {@code cometbft testnet}, the {@code config.toml} edits, the genesis {@code chain_id} and
 * {@code app_state}, and the validator key. The integration tests and benchmark use exactly
 * these methods, and docs/operators.md shows the same steps as commands; the {@link #main}
 * entry point runs them from a shell.
 */
public final class CometNodeSetup {
  private CometNodeSetup() {}

  /**
   * The {@code config.toml} settings deltachain changes. Null fields are left as they are.
   *
   * @param moniker node name
   * @param proxyApp where the abci-app listens, e.g. {@code tcp://127.0.0.1:26658}
   * @param rpcLaddr e.g. {@code tcp://127.0.0.1:26657}
   * @param p2pLaddr e.g. {@code tcp://0.0.0.0:26656}
   * @param persistentPeers {@code id@host:port,...}
   * @param timeoutCommit e.g. {@code 300ms}
   * @param timeoutPropose e.g. {@code 1s}
   * @param createEmptyBlocks false to produce blocks only with transactions (or an app hash change)
   * @param privateNetwork true on loopback or a LAN: {@code addr_book_strict = false}, {@code allow_duplicate_ip = true}
   * @param logLevel e.g. {@code info} or {@code main:info,state:info,*:error}
   * @param rpcMaxBodyBytes raise for large inline deltas (with mempool and block limits)
   * @param rpcMaxBatch {@code rpc.max_request_batch_size} (CometBFT's default is 10; 0 = unlimited)
   */
  public record NodeSettings(String moniker, String proxyApp, String rpcLaddr, String p2pLaddr, String persistentPeers,
      String timeoutCommit, String timeoutPropose, Boolean createEmptyBlocks, Boolean privateNetwork, String logLevel,
      Long rpcMaxBodyBytes, Integer rpcMaxBatch) {

    /** Settings that change nothing; use the {@code with} methods. */
    public static NodeSettings none() {
      return new NodeSettings(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public NodeSettings withRpcMaxBatch(int v) {
      return new NodeSettings(moniker, proxyApp, rpcLaddr, p2pLaddr, persistentPeers, timeoutCommit, timeoutPropose, createEmptyBlocks, privateNetwork, logLevel, rpcMaxBodyBytes, v);
    }

    public NodeSettings withMoniker(String v) {
      return new NodeSettings(v, proxyApp, rpcLaddr, p2pLaddr, persistentPeers, timeoutCommit, timeoutPropose, createEmptyBlocks, privateNetwork, logLevel, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withProxyApp(String v) {
      return new NodeSettings(moniker, v, rpcLaddr, p2pLaddr, persistentPeers, timeoutCommit, timeoutPropose, createEmptyBlocks, privateNetwork, logLevel, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withRpcLaddr(String v) {
      return new NodeSettings(moniker, proxyApp, v, p2pLaddr, persistentPeers, timeoutCommit, timeoutPropose, createEmptyBlocks, privateNetwork, logLevel, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withP2pLaddr(String v) {
      return new NodeSettings(moniker, proxyApp, rpcLaddr, v, persistentPeers, timeoutCommit, timeoutPropose, createEmptyBlocks, privateNetwork, logLevel, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withPersistentPeers(String v) {
      return new NodeSettings(moniker, proxyApp, rpcLaddr, p2pLaddr, v, timeoutCommit, timeoutPropose, createEmptyBlocks, privateNetwork, logLevel, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withTimeoutCommit(String v) {
      return new NodeSettings(moniker, proxyApp, rpcLaddr, p2pLaddr, persistentPeers, v, timeoutPropose, createEmptyBlocks, privateNetwork, logLevel, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withTimeoutPropose(String v) {
      return new NodeSettings(moniker, proxyApp, rpcLaddr, p2pLaddr, persistentPeers, timeoutCommit, v, createEmptyBlocks, privateNetwork, logLevel, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withCreateEmptyBlocks(boolean v) {
      return new NodeSettings(moniker, proxyApp, rpcLaddr, p2pLaddr, persistentPeers, timeoutCommit, timeoutPropose, v, privateNetwork, logLevel, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withPrivateNetwork(boolean v) {
      return new NodeSettings(moniker, proxyApp, rpcLaddr, p2pLaddr, persistentPeers, timeoutCommit, timeoutPropose, createEmptyBlocks, v, logLevel, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withLogLevel(String v) {
      return new NodeSettings(moniker, proxyApp, rpcLaddr, p2pLaddr, persistentPeers, timeoutCommit, timeoutPropose, createEmptyBlocks, privateNetwork, v, rpcMaxBodyBytes, rpcMaxBatch);
    }

    public NodeSettings withRpcMaxBodyBytes(long v) {
      return new NodeSettings(moniker, proxyApp, rpcLaddr, p2pLaddr, persistentPeers, timeoutCommit, timeoutPropose, createEmptyBlocks, privateNetwork, logLevel, v, rpcMaxBatch);
    }
  }

  // ---------------------------------------------------------------- the binary

  /**
   * The pinned {@code cometbft} binary: an operator's explicit {@code -Ddeltachain.cometbft} or
   * {@code $COMETBFT_BIN}, else the node-binary bootstrap ({@link NodeBinaries#resolve()}, which
   * builds it when missing).
   */
  public static Path cometbftBinary() {
    for (String candidate : new String[] {System.getProperty("deltachain.cometbft"), System.getenv("COMETBFT_BIN")}) {
      if (candidate != null && !candidate.isBlank()) {
        Path p = Paths.get(candidate);
        if (!Files.isExecutable(p)) {
          throw new IllegalStateException("cometbft binary " + p + " (from deltachain.cometbft / COMETBFT_BIN) is not executable");
        }
        return p;
      }
    }
    return NodeBinaries.resolve().cometbft();
  }

  /** Runs {@code cometbft <args>} to completion and returns its standard output. */
  public static String cometbft(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(cometbftBinary().toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("'" + String.join(" ", cmd) + "' failed: " + new String(out, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted running cometbft", e);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- homes

  /** {@code cometbft init --home <home>}: keys, default config, a one-validator genesis. */
  public static void init(Path home) throws IOException {
    cometbft("init", "--home", home.toString());
  }

  /**
   * {@code cometbft testnet --v <n> --o <dir> --starting-ip-address 127.0.0.1}: one home per
   * validator ({@code <dir>/node0} ...), sharing one genesis.
   */
  public static List<Path> testnet(int validators, Path dir) throws IOException {
    cometbft("testnet", "--v", Integer.toString(validators), "--o", dir.toString(), "--starting-ip-address", "127.0.0.1");
    List<Path> homes = new ArrayList<>();
    for (int i = 0; i < validators; i++) {
      homes.add(dir.resolve("node" + i));
    }
    return homes;
  }

  /** {@code cometbft show-node-id}: the p2p id used in {@code persistent_peers}. */
  public static String nodeId(Path home) throws IOException {
    return cometbft("show-node-id", "--home", home.toString()).trim();
  }

  /** The validator's consensus key ({@code config/priv_validator_key.json}). */
  public static NodeKey validatorKey(Path home) throws IOException {
    return CometKeyFiles.readPrivValidatorKey(home.resolve("config/priv_validator_key.json"));
  }

  /** Applies {@code settings} to {@code <home>/config/config.toml}. */
  public static void configure(Path home, NodeSettings s) throws IOException {
    TomlEditor t = TomlEditor.open(home.resolve("config/config.toml"));
    if (s.moniker() != null) {
      t.set("", "moniker", TomlEditor.quote(s.moniker()));
    }
    if (s.proxyApp() != null) {
      t.set("", "proxy_app", TomlEditor.quote(s.proxyApp()));
    }
    if (s.logLevel() != null) {
      t.set("", "log_level", TomlEditor.quote(s.logLevel()));
    }
    if (s.rpcLaddr() != null) {
      t.set("rpc", "laddr", TomlEditor.quote(s.rpcLaddr()));
    }
    if (s.rpcMaxBodyBytes() != null) {
      t.set("rpc", "max_body_bytes", Long.toString(s.rpcMaxBodyBytes()));
    }
    if (s.rpcMaxBatch() != null) {
      t.set("rpc", "max_request_batch_size", Integer.toString(s.rpcMaxBatch()));
    }
    if (s.p2pLaddr() != null) {
      t.set("p2p", "laddr", TomlEditor.quote(s.p2pLaddr()));
    }
    if (s.persistentPeers() != null) {
      t.set("p2p", "persistent_peers", TomlEditor.quote(s.persistentPeers()));
    }
    if (Boolean.TRUE.equals(s.privateNetwork())) {
      t.set("p2p", "addr_book_strict", "false");
      t.set("p2p", "allow_duplicate_ip", "true");
    }
    if (s.timeoutCommit() != null) {
      t.set("consensus", "timeout_commit", TomlEditor.quote(s.timeoutCommit()));
    }
    if (s.timeoutPropose() != null) {
      t.set("consensus", "timeout_propose", TomlEditor.quote(s.timeoutPropose()));
    }
    if (s.createEmptyBlocks() != null) {
      t.set("consensus", "create_empty_blocks", s.createEmptyBlocks().toString());
    }
    t.save();
  }

  /**
   * Sets {@code chain_id} and the ledger's {@code app_state} in {@code <home>/config/genesis.json}
   * (copy the result to every validator: all must hold the identical file).
   */
  public static void setGenesis(Path home, String chainId, JsonObject appState) throws IOException {
    Path file = home.resolve("config/genesis.json");
    JsonObject g = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    if (chainId != null) {
      g.put("chain_id", chainId);
    }
    if (appState != null) {
      g.put("app_state", appState);
    }
    Files.writeString(file, g.encodePrettily(), StandardCharsets.UTF_8);
  }

  /** The validator addresses and powers of a genesis file, uppercase hex to power. */
  public static Map<String, Long> genesisValidators(Path home) throws IOException {
    JsonObject g = new JsonObject(Files.readString(home.resolve("config/genesis.json"), StandardCharsets.UTF_8));
    Map<String, Long> out = new java.util.TreeMap<>();
    JsonArray vs = g.getJsonArray("validators", new JsonArray());
    for (int i = 0; i < vs.size(); i++) {
      JsonObject v = vs.getJsonObject(i);
      out.put(v.getString("address"), Long.parseLong(String.valueOf(v.getValue("power"))));
    }
    return out;
  }

  /** The {@code cometbft start} command line for a home. */
  public static List<String> startCommand(Path home) {
    return List.of(cometbftBinary().toString(), "start", "--home", home.toString());
  }

  // ---------------------------------------------------------------- command line

  /**
   * Operator entry point:
   *
   * <pre>
   * CometNodeSetup configure --home DIR [--moniker M] [--proxy-app tcp://127.0.0.1:26658]
   *     [--rpc-laddr tcp://127.0.0.1:26657] [--p2p-laddr tcp://0.0.0.0:26656] [--persistent-peers id@host:port,...]
   *     [--timeout-commit 500ms] [--timeout-propose 1s] [--create-empty-blocks true|false] [--private-network]
   *     [--log-level info] [--rpc-max-batch 500]
   * CometNodeSetup genesis --home DIR --chain-id ID [--coordinator ADDRESS]... [--validator-allow ADDRESS=POWER]...
   * CometNodeSetup validator-address --home DIR
   * </pre>
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      usage("a command is required");
    }
    String cmd = args[0];
    Path home = null;
    NodeSettings s = NodeSettings.none();
    String chainId = null;
    JsonArray coordinators = new JsonArray();
    JsonObject allow = new JsonObject();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--private-network")) {
        s = s.withPrivateNetwork(true);
        continue;
      }
      if (i + 1 >= args.length) {
        usage("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--home" -> home = Paths.get(v);
        case "--moniker" -> s = s.withMoniker(v);
        case "--proxy-app" -> s = s.withProxyApp(v);
        case "--rpc-laddr" -> s = s.withRpcLaddr(v);
        case "--p2p-laddr" -> s = s.withP2pLaddr(v);
        case "--persistent-peers" -> s = s.withPersistentPeers(v);
        case "--timeout-commit" -> s = s.withTimeoutCommit(v);
        case "--timeout-propose" -> s = s.withTimeoutPropose(v);
        case "--create-empty-blocks" -> s = s.withCreateEmptyBlocks(Boolean.parseBoolean(v));
        case "--log-level" -> s = s.withLogLevel(v);
        case "--rpc-max-batch" -> s = s.withRpcMaxBatch(Integer.parseInt(v));
        case "--chain-id" -> chainId = v;
        case "--coordinator" -> coordinators.add(v.toUpperCase());
        case "--validator-allow" -> {
          int eq = v.indexOf('=');
          if (eq <= 0) {
            usage("--validator-allow takes ADDRESS=POWER, got " + v);
          }
          allow.put(v.substring(0, eq).toUpperCase(), Long.parseLong(v.substring(eq + 1)));
        }
        default -> usage("unknown option " + a);
      }
    }
    if (home == null) {
      usage("--home is required");
    }
    switch (cmd) {
      case "configure" -> configure(home, s);
      case "genesis" -> {
        if (chainId == null) {
          usage("genesis needs --chain-id");
        }
        setGenesis(home, chainId, new JsonObject().put("coordinators", coordinators).put("validator_allowlist", allow));
      }
      case "validator-address" -> System.out.println(validatorKey(home).addressHex());
      default -> usage("unknown command " + cmd);
    }
  }

  private static void usage(String problem) {
    System.err.println("CometNodeSetup: " + problem);
    System.err.println("usage: CometNodeSetup configure|genesis|validator-address --home DIR [options]; see docs/operators.md");
    System.exit(2);
  }
}
