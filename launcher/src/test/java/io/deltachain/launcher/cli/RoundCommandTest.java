package io.deltachain.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.launcher.DeltachainCommand;
import io.deltachain.core.testing.Waits;
import io.deltachain.round.RoundBus;
import io.deltachain.round.RoundServiceVerticle;
import io.deltachain.round.chain.InMemoryRoundChain;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code deltachain round ...} against a real round service (in-memory chain) on loopback. */
class RoundCommandTest {
  private static final String TOKEN = "cli-test-token-0123456789";
  private static Vertx vertx;
  private static InMemoryRoundChain chain;
  private static String url;

  @BeforeAll
  static void startService(@TempDir Path dir) throws Exception {
    vertx = Vertx.vertx();
    Path docs = dir.resolve("docs.txt");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append("Resumption of the session ").append(i).append(". I declare the session resumed.\n");
    }
    Files.writeString(docs, sb.toString(), StandardCharsets.UTF_8);
    RoundServiceVerticle v = new RoundServiceVerticle(ctx -> chain = new InMemoryRoundChain(ctx), Clock.systemUTC());
    JsonObject config = new JsonObject().put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("round", new JsonObject().put("api", new JsonObject().put("tokens", new JsonArray().add("cli:" + TOKEN)))
            .put("datasets", new JsonArray().add("europarl=" + docs)));
    await(vertx.deployVerticle(v, new DeploymentOptions().setConfig(config)));
    url = "http://127.0.0.1:" + v.actualPort();
    String trainer = "00000000000000000000000000000000000000a1";
    await(chain.registerNode(trainer, RegisterNode.newBuilder().setRole(NodeRole.TRAINER).setMoniker("t-a1")
        .setCapabilities(Capabilities.newBuilder().setDevice("cpu").setGpuClass("cpu").setMemoryBytes(8L << 30)
            .setTokensPerSecondMilli(5_000_000)).build()));
    vertx.setPeriodic(200, id -> vertx.eventBus().publish(RoundBus.TRAINER_HEARTBEAT,
        new JsonObject().put("trainerAddress", trainer).put("tokensPerSecond", 5000.0)));
    // schedulable once the round service has heard a heartbeat with the trainer's throughput
    Waits.eventually(java.time.Duration.ofSeconds(30), "the trainer alive at the round service", () -> {
      return new JsonObject(get(url + "/learning/workers")).getJsonArray("workers").stream()
          .map(JsonObject.class::cast).anyMatch(w -> w.getString("address").equalsIgnoreCase(trainer)
              && w.getBoolean("alive") && w.getValue("measured_tokens_per_second") != null);
    });
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String get(String uri) {
    try {
      return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(uri))
          .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Exit code, stdout, stderr. */
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new DeltachainCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  @DisplayName("round start, status and list print what the service answered, as tables or JSON")
  void startStatusList() {
    Run started = run("round", "start", "--url", url, "--token", TOKEN, "--model", "tiny-1m", "--dataset", "europarl",
        "--lr", "0.003", "--lora-rank", "4", "--lora-alpha", "12", "--sequence-length", "64", "--steps", "60",
        "--layers", "1", "--targets", "q_proj,v_proj", "--aggregation", "weighted_mean");
    assertThat(started.code()).as(started.err()).isZero();
    assertThat(started.out()).matches("(?s)round \\d+ started: StartRound at height \\d+, tx [0-9a-f]{64}, plan [0-9a-f]{64}\\s*");
    String roundId = started.out().split(" ")[1];
    assertThat(new JsonObject(get(url + "/learning/round/" + roundId + "/plan")).getJsonObject("document")
        .getJsonObject("hyperparams").getDouble("lora_alpha")).isEqualTo(12.0);

    Run status = run("round", "status", roundId, "--url", url);
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("round " + roundId + "  TRAINING").contains("layers 1-1")
        .contains("00000000000000000000000000000000000000a1").contains("cost: $");

    Run json = run("round", "status", roundId, "--url", url, "--json");
    assertThat(new JsonObject(json.out()).getString("round_id")).isEqualTo(roundId);
    assertThat(new JsonObject(json.out()).getJsonArray("workers").getJsonObject(0).getString("layers")).isEqualTo("1-1");

    Run list = run("round", "list", "--url", url, "--state", "TRAINING");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("ROUND").contains(roundId).contains("TRAINING").contains("tiny-1m");
    Run none = run("round", "list", "--url", url, "--state", "FINALIZED");
    assertThat(none.out()).contains("(no rounds in state FINALIZED)");
  }

  @Test
  @DisplayName("4xx answers are printed with their status, code and message and exit 1")
  void refusals() {
    Run badToken = run("round", "start", "--url", url, "--token", "wrong-token-0123456789", "--model", "tiny-1m",
        "--dataset", "europarl");
    assertThat(badToken.code()).isEqualTo(1);
    assertThat(badToken.err()).contains("deltachain round start: HTTP 401 unauthorized: the API token is not valid");

    Run unknown = run("round", "status", "424242", "--url", url);
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("HTTP 404 round_not_found: no round with id '424242'");

    Run model = run("round", "start", "--url", url, "--token", TOKEN, "--model", "gpt-9", "--dataset", "europarl");
    assertThat(model.code()).isEqualTo(1);
    assertThat(model.err()).contains("HTTP 422 unknown_model").contains("gpt-9");

    Run state = run("round", "list", "--url", url, "--state", "SLEEPING");
    assertThat(state.code()).isEqualTo(1);
    assertThat(state.err()).contains("HTTP 400 invalid_request").contains("query parameter state");
  }

  @Test
  @DisplayName("no service, no token or a bad URL: a clear message and exit 2")
  void unreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run refused = run("round", "list", "--url", "http://127.0.0.1:" + port);
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("cannot reach the round service at http://127.0.0.1:" + port)
        .contains("is it running?");

    Run noToken = run("round", "start", "--url", url, "--model", "tiny-1m", "--dataset", "europarl");
    assertThat(noToken.code()).isEqualTo(2);
    assertThat(noToken.err()).contains("needs an API token: pass --token or set DELTACHAIN_ROUND_TOKEN");

    Run badUrl = run("round", "list", "--url", "ftp://example");
    assertThat(badUrl.code()).isEqualTo(2);
    assertThat(badUrl.err()).contains("must be http://host:port");

    Run badLayers = run("round", "start", "--url", url, "--token", TOKEN, "--model", "tiny-1m", "--dataset", "x",
        "--layers", "one");
    assertThat(badLayers.code()).isEqualTo(2);
    assertThat(badLayers.err()).contains("--layers must be N or FIRST-LAST, got 'one'");
  }
}
