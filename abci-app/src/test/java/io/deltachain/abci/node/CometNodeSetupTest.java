package io.deltachain.abci.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.crypto.NodeKey;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CometNodeSetupTest {
  /** The parts of CometBFT v0.38's default config.toml that deltachain edits, with their section headers. */
  private static final String CONFIG = """
      # This is a TOML config file.
      proxy_app = "tcp://127.0.0.1:26658"
      moniker = "vm"
      log_level = "info"

      [rpc]
      laddr = "tcp://127.0.0.1:26657"
      max_request_batch_size = 10
      max_body_bytes = 1000000

      [p2p]
      laddr = "tcp://0.0.0.0:26656"
      persistent_peers = ""
      addr_book_strict = true
      allow_duplicate_ip = false

      [consensus]
      timeout_propose = "3s"
      timeout_commit = "1s"
      create_empty_blocks = true
      """;

  @Test
  @DisplayName("configure edits each key in its own section and leaves the rest of the file alone")
  void configure(@TempDir Path home) throws IOException {
    Files.createDirectories(home.resolve("config"));
    Files.writeString(home.resolve("config/config.toml"), CONFIG);
    CometNodeSetup.configure(home, CometNodeSetup.NodeSettings.none().withProxyApp("tcp://127.0.0.2:4000")
        .withRpcLaddr("tcp://127.0.0.2:4001").withP2pLaddr("tcp://127.0.0.2:4002").withPersistentPeers("abc@127.0.0.3:5")
        .withPrivateNetwork(true).withTimeoutCommit("300ms").withCreateEmptyBlocks(false).withRpcMaxBatch(200));
    TomlEditor t = TomlEditor.open(home.resolve("config/config.toml"));
    assertThat(t.get("", "proxy_app")).isEqualTo("\"tcp://127.0.0.2:4000\"");
    assertThat(t.get("rpc", "laddr")).isEqualTo("\"tcp://127.0.0.2:4001\"");
    assertThat(t.get("p2p", "laddr")).isEqualTo("\"tcp://127.0.0.2:4002\"");
    assertThat(t.get("p2p", "persistent_peers")).isEqualTo("\"abc@127.0.0.3:5\"");
    assertThat(t.get("p2p", "addr_book_strict")).isEqualTo("false");
    assertThat(t.get("p2p", "allow_duplicate_ip")).isEqualTo("true");
    assertThat(t.get("rpc", "max_request_batch_size")).isEqualTo("200");
    assertThat(t.get("consensus", "timeout_commit")).isEqualTo("\"300ms\"");
    assertThat(t.get("consensus", "timeout_propose")).isEqualTo("\"3s\"");
    assertThat(t.get("consensus", "create_empty_blocks")).isEqualTo("false");
    assertThat(Files.readString(home.resolve("config/config.toml"))).contains("# This is a TOML config file.");
  }

  @Test
  @DisplayName("a key missing from its section is an error naming the key and section")
  void missingKey(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("config.toml");
    Files.writeString(f, CONFIG);
    assertThatThrownBy(() -> TomlEditor.open(f).set("consensus", "laddr", "\"x\""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'laddr'").hasMessageContaining("[consensus]");
  }

  @Test
  @DisplayName("setGenesis writes chain_id and app_state and keeps the validators")
  void genesis(@TempDir Path home) throws IOException {
    Files.createDirectories(home.resolve("config"));
    Files.writeString(home.resolve("config/genesis.json"), """
        {"genesis_time":"2026-01-01T00:00:00Z","chain_id":"test-chain-x","initial_height":"0",
         "validators":[{"address":"AB","pub_key":{"type":"tendermint/PubKeyEd25519","value":"AA=="},"power":"10","name":""}],
         "app_hash":""}""");
    CometNodeSetup.setGenesis(home, "deltachain-9", new JsonObject().put("coordinators", new io.vertx.core.json.JsonArray().add("X")));
    JsonObject g = new JsonObject(Files.readString(home.resolve("config/genesis.json")));
    assertThat(g.getString("chain_id")).isEqualTo("deltachain-9");
    assertThat(g.getJsonObject("app_state").getJsonArray("coordinators").getString(0)).isEqualTo("X");
    assertThat(CometNodeSetup.genesisValidators(home)).containsEntry("AB", 10L);
  }

  @Test
  @DisplayName("priv_validator_key.json yields the consensus key; a mismatched file is refused")
  void keyFile(@TempDir Path dir) throws IOException {
    NodeKey key = NodeKey.fromSeed(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
        23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    byte[] priv = Arrays.copyOf(key.seed(), 64);
    System.arraycopy(key.publicKey(), 0, priv, 32, 32);
    String json = new JsonObject().put("address", key.addressHex())
        .put("pub_key", new JsonObject().put("type", "tendermint/PubKeyEd25519").put("value", Base64.getEncoder().encodeToString(key.publicKey())))
        .put("priv_key", new JsonObject().put("type", "tendermint/PrivKeyEd25519").put("value", Base64.getEncoder().encodeToString(priv)))
        .encodePrettily();
    Path f = dir.resolve("priv_validator_key.json");
    Files.writeString(f, json, StandardCharsets.UTF_8);
    assertThat(CometKeyFiles.readPrivValidatorKey(f).addressHex()).isEqualTo(key.addressHex());

    Files.writeString(f, json.replace(key.addressHex(), "0000000000000000000000000000000000000000"));
    assertThatThrownBy(() -> CometKeyFiles.readPrivValidatorKey(f)).isInstanceOf(IOException.class).hasMessageContaining("does not match");
  }
}
