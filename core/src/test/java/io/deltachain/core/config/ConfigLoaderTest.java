package io.deltachain.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.deltachain.core.tx.TxLimits;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ConfigLoader")
class ConfigLoaderTest {

  @TempDir Path dir;

  private Path writeFile(String json) throws IOException {
    Path file = dir.resolve("deltachain.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  @DisplayName("with nothing configured every record has its documented defaults")
  void defaults() {
    ConfigView view = ConfigLoader.builder().optOverride(NodeConfig.CHAIN_ID, "devnet").build().load();
    CoreConfig c = CoreConfig.from(view);
    assertThat(c.node().chainId()).isEqualTo("devnet");
    assertThat(c.node().home()).isEqualTo(Path.of(System.getProperty("user.home"), ".deltachain"));
    assertThat(c.node().moniker()).isEqualTo("deltachain-node");
    assertThat(c.comet().rpcUrl()).isEqualTo(URI.create("http://127.0.0.1:26657"));
    assertThat(c.comet().abciPort()).isEqualTo(26658);
    assertThat(c.ipfs().enabled()).isFalse();
    assertThat(c.ipfs().apiUrl()).isEqualTo(URI.create("http://127.0.0.1:5001"));
    assertThat(c.cluster().port()).isEqualTo(5701);
    assertThat(c.cluster().members()).isEmpty();
    assertThat(c.cluster().clusterName()).isEqualTo("deltachain");
    assertThat(c.deltaStore().dataDir()).isEqualTo(c.node().home().resolve("delta-store"));
    assertThat(c.deltaStore().http()).isEqualTo(new HttpConfig("127.0.0.1", 8470));
    assertThat(c.deltaStore().inlineThresholdBytes()).isEqualTo(TxLimits.INLINE_DELTA_MAX_BYTES);
    assertThat(c.deltaStore().maxUploadBytes()).isEqualTo(8L << 30);
    assertThat(c.http()).isEqualTo(new HttpConfig("127.0.0.1", 8080));
  }

  @Test
  @DisplayName("the environment overrides the file, and explicit overrides beat both")
  void precedence() throws IOException {
    Path file = writeFile("""
        {"node": {"chain-id": "from-file", "moniker": "file-node"},
         "delta-store": {"http": {"port": 9001, "host": "0.0.0.0"}, "max-upload-bytes": "2GiB"},
         "cluster": {"members": ["10.0.0.1:5701", "[::1]:5702"]}}
        """);
    Map<String, String> env = Map.of(
        "DELTACHAIN_DELTA_STORE_HTTP_PORT", "9002",
        "DELTACHAIN_NODE_MONIKER", "env-node",
        "DELTACHAIN_IPFS_ENABLED", "TRUE",
        "DELTACHAIN_CLUSTER_MEMBERS", "127.0.0.1:5701, 127.0.0.2:5701",
        "UNRELATED", "x");
    ConfigView view = ConfigLoader.builder()
        .optFile(file)
        .optEnvironment(env)
        .optOverrides(Map.of("delta-store.http.port", "9003"))
        .build()
        .load();
    CoreConfig c = CoreConfig.from(view);
    assertThat(c.node().chainId()).isEqualTo("from-file");
    assertThat(c.node().moniker()).isEqualTo("env-node");
    assertThat(c.deltaStore().http()).isEqualTo(new HttpConfig("0.0.0.0", 9003));
    assertThat(c.deltaStore().maxUploadBytes()).isEqualTo(2L << 30);
    assertThat(c.ipfs().enabled()).isTrue();
    assertThat(c.cluster().members())
        .containsExactly(new HostPort("127.0.0.1", 5701), new HostPort("127.0.0.2", 5701));
    assertThat(view.source("delta-store.http.port")).isEqualTo("override delta-store.http.port");
    assertThat(view.source("node.moniker")).isEqualTo("environment variable DELTACHAIN_NODE_MONIKER");
    assertThat(view.source("node.chain-id")).isEqualTo("file " + file);

    // without the env and override, the file's values stand
    CoreConfig fileOnly = CoreConfig.from(ConfigLoader.builder().optFile(file).build().load());
    assertThat(fileOnly.deltaStore().http().port()).isEqualTo(9001);
    assertThat(fileOnly.cluster().members()).containsExactly(new HostPort("10.0.0.1", 5701), new HostPort("::1", 5702));
  }

  @Test
  @DisplayName("the merged object carries env values with their proper JSON types, ready for a verticle")
  void mergedJsonIsTyped() {
    ConfigView view = ConfigLoader.builder()
        .optEnvironment(Map.of("DELTACHAIN_COMET_ABCI_PORT", "36658", "DELTACHAIN_NODE_CHAIN_ID", "c1"))
        .build()
        .load();
    JsonObject json = view.json();
    assertThat(json.getJsonObject("comet").getJsonObject("abci").getValue("port")).isEqualTo(36658);
    // a verticle re-reads its config() without the loader
    assertThat(CometConfig.from(ConfigView.of(json)).abciPort()).isEqualTo(36658);
    assertThat(NodeConfig.from(ConfigView.of(json)).chainId()).isEqualTo("c1");
  }

  @Test
  @DisplayName("every core key maps to its own environment variable")
  void envNamesUnique() {
    Set<String> names = new HashSet<>();
    for (ConfigKey k : CoreConfig.KEYS) {
      assertThat(names.add(k.envName("DELTACHAIN_"))).as(k.path()).isTrue();
    }
    assertThat(ConfigKey.of("delta-store.http.port", ConfigKey.Kind.INTEGER).envName("DELTACHAIN_"))
        .isEqualTo("DELTACHAIN_DELTA_STORE_HTTP_PORT");
    assertThatThrownBy(() -> ConfigLoader.builder()
            .optKnownKeys(List.of(ConfigKey.of("delta.store-x", ConfigKey.Kind.STRING),
                ConfigKey.of("delta-store.x", ConfigKey.Kind.STRING)))
            .build())
        .hasMessageContaining("share the environment variable DELTACHAIN_DELTA_STORE_X");
  }

  @Test
  @DisplayName("a service's own keys can be registered for environment lookup")
  void serviceKeys() {
    ConfigView view = ConfigLoader.builder()
        .optKnownKeys(List.of(ConfigKey.of("trainer.max-steps", ConfigKey.Kind.INTEGER)))
        .optEnvironment(Map.of("DELTACHAIN_TRAINER_MAX_STEPS", "12"))
        .build()
        .load();
    ConfigReader r = view.reader();
    assertThat(r.integer("trainer.max-steps", 1, 1, 100)).isEqualTo(12);
    assertThat(r.isValid()).isTrue();
  }

  // ---- validation: every message names the key ----

  @Test
  @DisplayName("a missing required chain id is named")
  void missingRequired() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> NodeConfig.from(ConfigView.empty()));
    assertThat(e.problems()).containsExactly(new ConfigProblem("node.chain-id", "is required but missing", null));
    assertThat(e).hasMessage("invalid configuration: node.chain-id: is required but missing");
  }

  @Test
  @DisplayName("a string where a port belongs is named with its file")
  void wrongTypeFromFile() throws IOException {
    Path file = writeFile("{\"comet\": {\"abci\": {\"port\": \"26658\"}}}");
    assertThatThrownBy(() -> CometConfig.from(ConfigLoader.builder().optFile(file).build().load()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid configuration: comet.abci.port: must be a port number, got text \"26658\""
            + " (from file " + file + ")");
  }

  @Test
  @DisplayName("an out-of-range port, a malformed URL, a negative size and a bad member are each named")
  void eachValidation() {
    assertOnly(Map.of("delta-store.http.port", 70000), "delta-store.http.port", "must be a port 0-65535, got 70000");
    assertOnly(Map.of("comet.rpc-url", "http//localhost"), "comet.rpc-url", "must be an http:// or https:// URL");
    assertOnly(Map.of("ipfs.api-url", "http://exa mple:5001"), "ipfs.api-url", "is a malformed URL");
    assertOnly(Map.of("ipfs.api-url", "http://:5001"), "ipfs.api-url", "is a malformed URL (no host)");
    assertOnly(Map.of("delta-store.max-upload-bytes", -5), "delta-store.max-upload-bytes", "must not be negative, got -5");
    assertOnly(Map.of("delta-store.max-upload-bytes", "lots"), "delta-store.max-upload-bytes", "must be a size in bytes");
    assertOnly(Map.of("delta-store.inline-threshold-bytes", "1MiB"), "delta-store.inline-threshold-bytes",
        "must be at most 720896");
    assertOnly(Map.of("cluster.members", List.of("a:1", "b")), "cluster.members", "entry 1: expected host:port, got 'b'");
    assertOnly(Map.of("cluster.members", "a:99999"), "cluster.members", "entry 0: port must be 1-65535, got 99999");
    assertOnly(Map.of("node.chain-id", "x".repeat(51)), "node.chain-id", "must be at most 50 characters");
    assertOnly(Map.of("cluster.host", "my host"), "cluster.host", "must be a host name or address without spaces");
    assertOnly(Map.of("ipfs.enabled", 1), "ipfs.enabled", "must be true or false, got number 1");
    assertOnly(Map.of("node.home", ""), "node.home", "must be a path, got an empty string");
  }

  @Test
  @DisplayName("an environment value that does not convert is named with its variable")
  void badEnvValue() {
    ConfigView view = ConfigLoader.builder()
        .optEnvironment(Map.of("DELTACHAIN_DELTA_STORE_HTTP_PORT", "eighty", "DELTACHAIN_IPFS_ENABLED", "yes"))
        .build()
        .load();
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> DeltaStoreConfig.from(view));
    assertThat(e.problems()).containsExactly(new ConfigProblem("delta-store.http.port",
        "must be an integer, got 'eighty'", "environment variable DELTACHAIN_DELTA_STORE_HTTP_PORT"));
    assertThatThrownBy(() -> IpfsConfig.from(view))
        .hasMessageContaining("ipfs.enabled: must be true or false, got 'yes' (from environment variable DELTACHAIN_IPFS_ENABLED)");
  }

  @Test
  @DisplayName("several problems across records are reported together in one exception")
  void severalTogether() throws IOException {
    Path file = writeFile("""
        {"comet": {"rpc-url": "ftp://x", "abci": {"port": -1}},
         "delta-store": {"max-upload-bytes": -1, "http": {"port": 65536}},
         "cluster": 7}
        """);
    ConfigView view = ConfigLoader.builder()
        .optFile(file)
        .optEnvironment(Map.of("DELTACHAIN_HTTP_PORT", "x"))
        .build()
        .load();
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> CoreConfig.from(view));
    assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly(
        "node.chain-id",
        "comet.rpc-url",
        "comet.abci.port",
        "cluster",
        "delta-store.http.port",
        "delta-store.max-upload-bytes",
        "http.port");
    assertThat(e.getMessage())
        .startsWith("invalid configuration (7 problems):")
        .contains("cluster: must be an object of settings, got number 7")
        .contains("http.port: must be an integer, got 'x' (from environment variable DELTACHAIN_HTTP_PORT)");
  }

  @Test
  @DisplayName("a named file that is missing or not JSON fails the load with the file's name")
  void badFile() throws IOException {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> ConfigLoader.builder().optFile(missing).build().load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining(missing.toString());
    assertThat(ConfigLoader.builder().optFileIfExists(missing).build().load().json().isEmpty()).isTrue();
    Path broken = writeFile("{\"node\": ");
    assertThatThrownBy(() -> ConfigLoader.builder().optFile(broken).build().load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not a JSON object")
        .hasMessageContaining(broken.toString());
  }

  @Test
  @DisplayName("keys nobody reads are listed, to catch typos")
  void unknownKeys() throws IOException {
    Path file = writeFile("{\"delta-store\": {\"http\": {\"prot\": 1, \"port\": 2}}, \"node\": {\"chain-id\": \"c\"}}");
    ConfigView view = ConfigLoader.builder().optFile(file).build().load();
    assertThat(view.unknownKeys(CoreConfig.KEYS)).containsExactly("delta-store.http.prot");
  }

  private static void assertOnly(Map<String, Object> overrides, String key, String problem) {
    ConfigView view = ConfigLoader.builder()
        .optOverride(NodeConfig.CHAIN_ID, "devnet")
        .optOverrides(overrides)
        .build()
        .load();
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> CoreConfig.from(view));
    assertThat(e).as("expected a problem with %s", key).isNotNull();
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo(key);
      assertThat(p.problem()).contains(problem);
    });
  }
}
