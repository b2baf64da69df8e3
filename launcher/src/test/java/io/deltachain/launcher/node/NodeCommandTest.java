package io.deltachain.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.launcher.DeltachainCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code deltachain node} refuses a configuration it cannot run, naming every bad key. */
class NodeCommandTest {

  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new DeltachainCommand());
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  @DisplayName("no roles, an unknown role, no chain id: exit 2 and every problem named")
  void missingBasics() {
    String[] r = run("node", "--roles", "validator,miner");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("bad configuration").contains("node.roles").contains("unknown role 'miner'")
        .contains("node.chain-id").contains("required");
  }

  @Test
  @DisplayName("each role's own requirements are checked before anything starts")
  void roleRequirements(@TempDir Path dir) {
    String[] r = run("node", "--roles", "validator,trainer", "--chain-id", "c-1", "--home", dir.toString(),
        "--set", "trainer.probe-throughput=false", "--set", "trainer.attack=sabotage",
        "--set", "network.profile=gpt-9");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("validator.key-file").contains("priv_validator_key.json")
        .contains("node.store-url").contains("trainer.tokens-per-second").contains("trainer.attack")
        .contains("sabotage").contains("network.profile").contains("gpt-9");
  }

  @Test
  @DisplayName("the file is read, flags override it, and round keys are validated with the round role")
  void fileAndFlags(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.json");
    Files.writeString(file, "{\"node\": {\"chain-id\": \"c-1\", \"roles\": [\"round\"], \"home\": \"" + dir + "\"},"
        + " \"round\": {\"training-blocks\": 0}}");
    String[] r = run("node", "--config", file.toString(), "--set", "round.scheduler.policy=fastest");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("round.training-blocks").contains("round.scheduler.policy");
    String[] missing = run("node", "--config", dir.resolve("nope.json").toString());
    assertThat(missing[0]).isEqualTo("2");
    assertThat(missing[1]).contains("nope.json");
  }

  @Test
  @DisplayName("the metrics server never shares a port with another role of the node; 0.0.0.0 needs a public host")
  void metricsAndClusterAddresses(@TempDir Path dir) {
    String[] r = run("node", "--roles", "round,store", "--chain-id", "c-1", "--home", dir.toString(),
        "--set", "http.port=9464", "--cluster-host", "0.0.0.0", "--set", "round.api.tokens=op:0123456789abcdef0123");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("metrics.port").contains("9464 is also http.port (the round API)")
        .contains("cluster.public-host").contains("0.0.0.0");
    String[] s = run("node", "--roles", "store", "--chain-id", "c-1", "--home", dir.toString(),
        "--metrics-port", "8471", "--metrics-host", "0.0.0.0");
    assertThat(s[0]).isEqualTo("2");
    assertThat(s[1]).contains("metrics.port").contains("the store's gRPC port");
    String[] t = run("node", "--roles", "abci", "--chain-id", "c-1", "--home", dir.toString(),
        "--metrics-port", "99999");
    assertThat(t[0]).isEqualTo("2");
    assertThat(t[1]).contains("metrics.port");
  }

  @Test
  @DisplayName("a stage token shorter than 16 characters or with spaces is refused, naming stage.token")
  void stageToken(@TempDir Path dir) {
    String[] r = run("node", "--roles", "stage", "--chain-id", "c-1", "--home", dir.toString(),
        "--set", "stage.token=short");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("stage.token").contains("at least 16 characters, it has 5").doesNotContain("short");
    String[] s = run("node", "--roles", "stage", "--chain-id", "c-1", "--home", dir.toString(),
        "--set", "stage.token=a token with spaces in it");
    assertThat(s[0]).isEqualTo("2");
    assertThat(s[1]).contains("stage.token").contains("no spaces");
  }

  @Test
  @DisplayName("a key deltachain node does not read is refused with the nearest known key, from the file and from --set")
  void unknownKeys(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.json");
    Files.writeString(file, "{\"node\": {\"chain-id\": \"c-1\", \"roles\": [\"stage\"], \"home\": \"" + dir + "\"},"
        + " \"network\": {\"shards\": 4}, \"stage\": {\"prot\": 7141}}");
    String[] r = run("node", "--config", file.toString(), "--set", "trainer.atack=poison");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("trainer.atack").contains("is not a setting of deltachain node, did you mean trainer.attack?")
        .contains("stage.prot").contains("did you mean stage.port?")
        .contains("network.shards: is not a setting of deltachain node");
  }
}
