package io.deltachain.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.node.NodeBinaries;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads and writes validator keys against the real, pinned {@code cometbft} binary. */
class PrivValidatorKeyIT {
  private static Path cometbft;

  @TempDir Path home;

  @BeforeAll
  static void resolveBinary() {
    cometbft = NodeBinaries.resolve().cometbft();
  }

  @Test
  @DisplayName("the key cometbft init generates loads, and its address is the one in genesis and show-validator")
  void readsGeneratedKey() throws Exception {
    run("init", "--home", home.toString());
    Path keyFile = home.resolve("config/priv_validator_key.json");

    NodeKey key = KeyFiles.load(keyFile); // also proves cometbft writes it owner-only

    JsonObject genesis = new JsonObject(Files.readString(home.resolve("config/genesis.json")));
    JsonObject validator = genesis.getJsonArray("validators").getJsonObject(0);
    assertThat(key.addressHex()).isEqualTo(validator.getString("address"));
    assertThat(validator.getJsonObject("pub_key").getString("value"))
        .isEqualTo(Base64.getEncoder().encodeToString(key.publicKey()));

    JsonObject shown = new JsonObject(run("show-validator", "--home", home.toString()).trim());
    assertThat(shown.getString("type")).isEqualTo(PrivValidatorKey.PUB_KEY_TYPE);
    assertThat(Base64.getDecoder().decode(shown.getString("value"))).isEqualTo(key.publicKey());
  }

  @Test
  @DisplayName("cometbft accepts a key file deltachain wrote and shows its public key")
  void cometbftReadsWrittenKey() throws Exception {
    run("init", "--home", home.toString());
    Path keyFile = home.resolve("config/priv_validator_key.json");
    Files.delete(keyFile);
    NodeKey ours = NodeKey.generate();
    PrivValidatorKey.write(keyFile, ours);

    JsonObject shown = new JsonObject(run("show-validator", "--home", home.toString()).trim());
    assertThat(Base64.getDecoder().decode(shown.getString("value"))).isEqualTo(ours.publicKey());
  }

  private static String run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(cometbft.toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    try {
      // The outputs are small; read stdout fully, then stderr, then wait.
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out + err);
      }
      return out;
    } finally {
      p.destroyForcibly();
    }
  }
}
