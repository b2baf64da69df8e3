package io.deltachain.launcher.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.config.ConfigLoader;
import io.deltachain.core.crypto.KeyFiles;
import io.deltachain.core.crypto.PrivValidatorKey;
import io.deltachain.core.node.NodeBinaries;
import io.deltachain.launcher.compose.ComposeFile.Service;
import io.deltachain.launcher.node.NodeSettings;
import io.deltachain.round.RoundServiceConfig;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/compose/testnet.sh run for real (the pinned cometbft, the abci-app's CometNodeSetup on
 * this JVM's class path): it writes what compose.yaml mounts, with one genesis naming the four
 * validators and the coordinator, and node configs that reach each other and their abci-apps by
 * compose service name.
 */
class ComposeTestnetIT {
  @TempDir static Path tmp;
  static Path root;
  static Path out;
  static String firstRun;

  static Process script(Path target, String... flags) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("deploy/compose/testnet.sh").toString()));
    cmd.addAll(List.of(flags));
    cmd.add(target.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("COMETBFT_BIN", NodeBinaries.resolve().cometbft().toString());
    env.put("DELTACHAIN_JAVA_CP", System.getProperty("java.class.path"));
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + env.get("PATH"));
    env.remove("DELTACHAIN_CHAIN_ID");
    return pb.start();
  }

  static String run(Path target, int expectedExit, String... flags) throws Exception {
    Process p = script(target, flags);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("testnet.sh finished").isTrue();
    assertThat(p.exitValue()).as("exit status of testnet.sh; its output:%n%s", output).isEqualTo(expectedExit);
    return output;
  }

  @BeforeAll
  static void generate() throws Exception {
    root = NodeBinaries.repositoryRoot();
    out = tmp.resolve("generated");
    firstRun = run(out, 0);
  }

  static JsonObject genesis(int i) throws IOException {
    return new JsonObject(Files.readString(out.resolve("validator-" + i + "/config/genesis.json")));
  }

  static String toml(int i, String key) throws IOException {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + " = \"([^\"]*)\"")
        .matcher(Files.readString(out.resolve("validator-" + i + "/config/config.toml")));
    assertThat(m.find()).as("%s in config.toml of validator-%d", key, i).isTrue();
    return m.group(1);
  }

  static String nodeId(int i) throws Exception {
    Process p = new ProcessBuilder(NodeBinaries.resolve().cometbft().toString(), "show-node-id", "--home",
        out.resolve("validator-" + i).toString()).start();
    String id = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(30, TimeUnit.SECONDS);
    return id;
  }

  @Test
  @DisplayName("every path compose.yaml mounts from deploy/compose/generated/ is written by the script")
  void writesWhatComposeMounts() throws Exception {
    ComposeFile compose = ComposeFile.read(root.resolve("compose.yaml"));
    int checked = 0;
    for (Service s : compose.services().values()) {
      List<String> sources = new ArrayList<>(s.envFiles());
      s.volumes().stream().filter(ComposeFile.Volume::bind).forEach(v -> sources.add(v.source()));
      for (String source : sources) {
        String rel = source.substring(2);
        if (rel.startsWith(ComposeFileTest.GENERATED)) {
          assertThat(out.resolve(rel.substring(ComposeFileTest.GENERATED.length()))).as("%s of %s", source, s.name()).exists();
          checked++;
        }
      }
    }
    // 4 validator homes, round.env, 14 node configs, 4 validator keys for the validator services, the coordinator key
    assertThat(checked).isEqualTo(24);
    try (Stream<Path> top = Files.list(out)) {
      assertThat(top.map(p -> p.getFileName().toString()).toList())
          .containsExactlyInAnyOrderElementsOf(ComposeFileTest.GENERATED_PATHS);
    }
  }

  @Test
  @DisplayName("one genesis on all four validators: four validators of equal power, the chain id abci-apps get, the coordinator's key in app_state")
  void oneGenesis() throws Exception {
    JsonObject g = genesis(0);
    for (int i = 1; i < 4; i++) {
      assertThat(genesis(i)).isEqualTo(g);
    }
    assertThat(g.getString("chain_id")).isEqualTo("deltachain-compose-1");
    assertThat(g.getJsonArray("validators")).hasSize(4);
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      addresses.add(PrivValidatorKey.read(out.resolve("validator-" + i + "/config/priv_validator_key.json")).addressHex());
    }
    assertThat(g.getJsonArray("validators").stream().map(v -> ((JsonObject) v).getString("address")).toList())
        .containsExactlyInAnyOrderElementsOf(addresses);
    assertThat(g.getJsonArray("validators").stream().map(v -> String.valueOf(((JsonObject) v).getValue("power"))).distinct())
        .hasSize(1);
    String coordinator = PrivValidatorKey.read(out.resolve("coordinator/config/priv_validator_key.json")).addressHex();
    assertThat(g.getJsonObject("app_state").getJsonArray("coordinators").getList()).containsExactly(coordinator);
    assertThat(addresses).doesNotContain(coordinator);
    assertThat(out.resolve("coordinator/config/genesis.json")).as("the coordinator is not a node").doesNotExist();
  }

  @Test
  @DisplayName("each node's config reaches its abci-app and its peers by compose service name, serves RPC to the compose network")
  void nodeConfigs() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(nodeId(i));
    }
    for (int i = 0; i < 4; i++) {
      assertThat(toml(i, "proxy_app")).isEqualTo("tcp://abci-" + i + ":26658");
      assertThat(toml(i, "moniker")).isEqualTo("validator-" + i);
      assertThat(toml(i, "laddr")).as("[rpc] laddr").isEqualTo("tcp://0.0.0.0:26657");
      List<String> peers = List.of(toml(i, "persistent_peers").split(","));
      for (int j = 0; j < 4; j++) {
        if (j != i) {
          assertThat(peers).contains(ids.get(j) + "@validator-" + j + ":26656");
        }
      }
      assertThat(Files.readString(out.resolve("validator-" + i + "/config/config.toml")))
          .contains("addr_book_strict = false", "timeout_commit = \"500ms\"", "max_request_batch_size = 200");
    }
  }

  @Test
  @DisplayName("the node configs load as `deltachain node` loads them: each validator service signs with its own genesis validator's key, the round service with the genesis coordinator's")
  void nodeConfigsMatchTheGenesis() throws Exception {
    ComposeFileTest.load();
    JsonObject g = genesis(0);
    Map<String, String> roundEnv = envFile(out.resolve("round.env"));
    List<String> signers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Service node = ComposeFileTest.compose.service("node-" + i);
      NodeSettings n = ComposeFileTest.settings(node, out, Map.of());
      assertThat(n.core().node().chainId()).isEqualTo(g.getString("chain_id"));
      String signer = PrivValidatorKey.read(ComposeFileTest.generatedFile(node, n.validatorKeyFile().toString(), out))
          .addressHex();
      assertThat(signer).isEqualTo(PrivValidatorKey.read(out.resolve("validator-" + i + "/config/priv_validator_key.json"))
          .addressHex());
      signers.add(signer);
    }
    assertThat(signers).containsExactlyInAnyOrderElementsOf(g.getJsonArray("validators").stream()
        .map(v -> ((JsonObject) v).getString("address")).toList());

    Service roundService = ComposeFileTest.compose.service("round");
    NodeSettings round = ComposeFileTest.settings(roundService, out, roundEnv);
    // the file is 0600 and must stay so: the node refuses a key others can read
    Path coordinatorKey = ComposeFileTest.generatedFile(roundService, round.coordinatorKeyFile().toString(), out);
    assertThat(KeyFiles.load(coordinatorKey).addressHex())
        .isEqualTo(g.getJsonObject("app_state").getJsonArray("coordinators").getString(0));
    assertThat(RoundServiceConfig.from(round.view()).tokens()).containsValue("operator");
    for (Service s : ComposeFileTest.nodeServices()) {
      assertThat(ComposeFileTest.settings(s, out, s.envFiles().isEmpty() ? Map.of() : roundEnv).core().node().chainId())
          .as("chain id of %s", s.name()).isEqualTo(g.getString("chain_id"));
    }
  }

  static Map<String, String> envFile(Path env) throws IOException {
    Map<String, String> vars = new HashMap<>();
    for (String line : Files.readAllLines(env)) {
      int eq = line.indexOf('=');
      vars.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return vars;
  }

  @Test
  @DisplayName("round.env holds an API token the round service accepts, readable only by its owner")
  void roundToken() throws Exception {
    Path env = out.resolve("round.env");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
    Map<String, String> vars = new HashMap<>();
    for (String line : Files.readAllLines(env)) {
      int eq = line.indexOf('=');
      vars.put(line.substring(0, eq), line.substring(eq + 1));
    }
    RoundServiceConfig c = RoundServiceConfig.from(ConfigLoader.builder().optEnvironment(vars)
        .optKnownKeys(RoundServiceConfig.KEYS).build().load());
    assertThat(c.tokens()).hasSize(1).containsValue("operator");
    assertThat(c.tokens().keySet().iterator().next()).hasSizeGreaterThanOrEqualTo(32);
  }

  @Test
  @DisplayName("a second run refuses to replace the validators' keys; --force replaces them")
  void keepsKeys() throws Exception {
    Path other = tmp.resolve("again");
    run(other, 0);
    String key = Files.readString(other.resolve("validator-0/config/priv_validator_key.json"));
    String refused = run(other, 1);
    assertThat(refused).contains("already holds a network", "--force");
    assertThat(Files.readString(other.resolve("validator-0/config/priv_validator_key.json"))).isEqualTo(key);
    run(other, 0, "--force");
    assertThat(Files.readString(other.resolve("validator-0/config/priv_validator_key.json"))).isNotEqualTo(key);
  }
}
