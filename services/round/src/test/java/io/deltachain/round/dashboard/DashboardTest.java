package io.deltachain.round.dashboard;

import static io.deltachain.round.testing.Txs.address;
import static io.deltachain.round.testing.Txs.assignment;
import static io.deltachain.round.testing.Txs.trainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.round.RoundServiceVerticle;
import io.deltachain.round.chain.InMemoryRoundChain;
import io.deltachain.round.chain.LineageEntry;
import io.deltachain.round.chain.RoundChain;
import io.deltachain.round.chain.TxReceipt;
import io.deltachain.round.lifecycle.ChainEvents;
import io.deltachain.round.lifecycle.DeltaStatus;
import io.deltachain.round.testing.MutableClock;
import io.deltachain.round.testing.Txs;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DashboardTest {
  private static final long GIB = 1L << 30;
  private static final String T1 = address(0x101);
  private static final String T2 = address(0x102);
  private static final String V1 = "AA".repeat(20);
  private static final String V2 = "BB".repeat(20);

  private Vertx vertx;
  private LedgerChain chain;
  private String deployment;
  private WebClient client;
  private int port;

  /** The in-memory chain, answering the ledger queries the dashboard reads from a map. */
  static final class LedgerChain implements RoundChain {
    final InMemoryRoundChain inner;
    final Map<String, JsonObject> answers = new HashMap<>();

    LedgerChain(InMemoryRoundChain inner) {
      this.inner = inner;
    }

    @Override public Future<TxReceipt> submitStartRound(StartRound start) { return inner.submitStartRound(start); }
    @Override public Future<TxReceipt> submitDelta(String t, SubmitDelta d) { return inner.submitDelta(t, d); }
    @Override public Future<TxReceipt> submitSignedDelta(byte[] tx) { return inner.submitSignedDelta(tx); }
    @Override public Future<TxReceipt> submitFinalize(FinalizeRound f) { return inner.submitFinalize(f); }
    @Override public Future<Long> latestHeight() { return inner.latestHeight(); }
    @Override public Future<List<LineageEntry>> lineage(String layer) { return inner.lineage(layer); }
    @Override public Future<Map<String, String>> heads() { return inner.heads(); }
    @Override public Future<Long> replayAndSubscribe(ChainEvents l) { return inner.replayAndSubscribe(l); }

    @Override
    public synchronized Future<JsonObject> query(String path) {
      JsonObject a = answers.get(path);
      return a == null ? Future.failedFuture("not found: " + path) : Future.succeededFuture(a.copy());
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("round", new JsonObject().put("heartbeat", new JsonObject().put("timeout-seconds", 30)
            .put("check-interval-ms", 3_600_000)));
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    RoundServiceVerticle verticle = new RoundServiceVerticle(ctx -> chain = new LedgerChain(new InMemoryRoundChain(ctx)),
        clock);
    deployment = await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)));
    port = verticle.actualPort();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  @AfterEach
  void stop() {
    client.close();
    await(vertx.undeploy(deployment));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future failed: " + e, e);
    }
  }

  private HttpResponse<Buffer> get(String path) {
    return await(client.request(HttpMethod.GET, path).send());
  }

  private JsonObject snapshot() {
    HttpResponse<Buffer> r = get("/dashboard/api/snapshot");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("the page, its script and styles are served from the jar, and an empty network says it is empty")
  void pageAndEmptyNetwork() {
    HttpResponse<Buffer> page = get("/dashboard/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("content-type")).startsWith("text/html");
    assertThat(page.bodyAsString()).contains("This network is empty").contains("app.js");
    HttpResponse<Buffer> js = get("/dashboard/app.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.bodyAsString()).contains("EventSource(\"api/events\")");
    assertThat(get("/dashboard/app.css").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> root = await(client.request(HttpMethod.GET, "/").followRedirects(false).send());
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.getHeader("location")).isEqualTo("/dashboard/");

    JsonObject s = snapshot();
    assertThat(s.getBoolean("empty")).isTrue();
    assertThat(s.getJsonArray("rounds")).isEmpty();
    assertThat(s.getJsonArray("workers")).isEmpty();
    assertThat(s.getJsonObject("chain").getLong("height")).isZero();
  }

  @Test
  @DisplayName("a round shows its loss curves, verdicts with power and reasons, evaluation losses and lineage")
  void roundInSnapshot() {
    await(chain.inner.registerNode(T1, trainer("t1", 8 * GIB, 600, "rtx3070")));
    await(chain.inner.registerNode(T2, trainer("t2", 8 * GIB, 500, "rtx3070")));
    await(chain.submitStartRound(Txs.start("7", 50, 20, assignment(T1, 0, 0, 0), assignment(T2, 0, 0, 1))));
    String good = await(chain.submitDelta(T1, Txs.delta("7", 0, 0, 1))).txHash();
    String bad = await(chain.submitDelta(T2, Txs.delta("7", 0, 1, 2))).txHash();
    chain.answers.put("/delta/" + bad, new JsonObject().put("approve_power", 0).put("reject_power", 20)
        .put("total_power", 20).put("verdict_count", 2).put("verdicts", new JsonArray()
            .add(new JsonObject().put("validator", V1).put("approve", false).put("power", 10).put("score_micro", 0)
                .put("reason_codes", new JsonArray().add("NORM_RATIO_EXCEEDED")))
            .add(new JsonObject().put("validator", V2).put("approve", false).put("power", 10).put("score_micro", 0)
                .put("reason_codes", new JsonArray().add("NORM_RATIO_EXCEEDED")))));
    chain.answers.put("/validators", new JsonObject().put("total_power", 20).put("validators", new JsonArray()
        .add(new JsonObject().put("address", V1).put("power", 10)).add(new JsonObject().put("address", V2).put("power", 10))));
    // what trainers and validators publish on the bus while the round runs
    String task = "7-" + T1.toUpperCase(Locale.ROOT) + "-0";
    for (int step = 10; step <= 60; step += 10) {
      vertx.eventBus().publish(Dashboard.TRAINER_PROGRESS, new JsonObject().put("taskId", task).put("step", step)
          .put("totalSteps", 60).put("loss", 5.5 - step / 100.0).put("tokensPerSecond", 8000.0).put("node", T1));
    }
    vertx.eventBus().publish(Dashboard.TRAINER_PROGRESS, new JsonObject().put("taskId", task).put("step", 61)
        .put("totalSteps", 60).put("loss", Double.NaN));
    vertx.eventBus().publish(Dashboard.VERDICT_EVIDENCE, new JsonObject().put("deltaId", good)
        .put("evalLossBeforeMicro", 5_574_000).put("evalLossAfterMicro", 5_231_000));
    vertx.eventBus().publish("trainer.heartbeat", new JsonObject().put("trainerAddress", T1.toUpperCase(Locale.ROOT))
        .put("state", "TRAINING").put("tokensPerSecond", 8000.0).put("device", "cuda:0").put("utilization", 0.83)
        .put("freeMemoryBytes", 3L * GIB).put("uploadedBytes", 250_000L).put("uploadBytesPerSecond", 12_500_000.0));
    await(chain.inner.decide(good, DeltaStatus.ACCEPTED, List.of()));
    await(chain.inner.decide(bad, DeltaStatus.REJECTED, List.of("NORM_RATIO_EXCEEDED")));
    await(chain.inner.acceptCheckpoint("7", "model.layers.0", "ee".repeat(32), "bafkreiexample", 4096, List.of(good)));

    JsonObject s = snapshot();
    assertThat(s.getBoolean("empty")).isFalse();
    JsonObject round = s.getJsonArray("rounds").getJsonObject(0);
    assertThat(round.getString("round_id")).isEqualTo("7");
    JsonArray curves = round.getJsonArray("curves");
    assertThat(curves).hasSize(1);
    assertThat(curves.getJsonObject(0).getString("trainer")).isEqualTo(T1);
    // six finite points; the NaN is not drawn
    assertThat(curves.getJsonObject(0).getJsonArray("points")).hasSize(6);
    assertThat(curves.getJsonObject(0).getJsonArray("points").getJsonArray(5).getDouble(1)).isEqualTo(4.9);

    JsonObject rejected = delta(round, bad);
    assertThat(rejected.getString("status")).isEqualTo("REJECTED");
    assertThat(rejected.getJsonArray("reasons")).containsExactly("NORM_RATIO_EXCEEDED");
    JsonObject ledger = rejected.getJsonObject("ledger");
    assertThat(ledger.getInteger("reject_power")).isEqualTo(20);
    assertThat(ledger.getJsonArray("verdicts")).hasSize(2);
    JsonObject accepted = delta(round, good);
    assertThat(accepted.getJsonArray("eval").getJsonObject(0).getLong("evalLossAfterMicro")).isEqualTo(5_231_000);

    JsonObject lineage = s.getJsonArray("lineage").getJsonObject(0);
    assertThat(lineage.getString("layer")).isEqualTo("model.layers.0");
    assertThat(lineage.getString("head")).isEqualTo("ee".repeat(32));
    assertThat(lineage.getJsonArray("checkpoints").getJsonObject(0).getJsonArray("contributing_deltas"))
        .containsExactly(good);

    JsonObject w1 = s.getJsonArray("workers").stream().map(JsonObject.class::cast)
        .filter(w -> w.getString("address").equals(T1)).findFirst().orElseThrow();
    assertThat(w1.getString("state")).isEqualTo("TRAINING");
    assertThat(w1.getDouble("progress_tokens_per_second")).isEqualTo(8000.0);
    assertThat(w1.getLong("uploaded_bytes")).isEqualTo(1000L);
    // what the trainer measured: device utilisation, free memory, bytes it uploaded and their rate
    assertThat(w1.getString("device")).isEqualTo("cuda:0");
    assertThat(w1.getDouble("utilization")).isEqualTo(0.83);
    assertThat(w1.getLong("free_memory_bytes")).isEqualTo(3L * GIB);
    assertThat(w1.getLong("uploaded_bytes_total")).isEqualTo(250_000L);
    assertThat(w1.getDouble("upload_bytes_per_second")).isEqualTo(12_500_000.0);
    assertThat(s.getJsonObject("chain").getJsonArray("validators")).hasSize(2);
    assertThat(s.getJsonObject("chain").getBoolean("available")).isTrue();
  }

  private static JsonObject delta(JsonObject round, String id) {
    return round.getJsonArray("deltas").stream().map(JsonObject.class::cast)
        .filter(d -> d.getString("delta_id").equals(id)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("the event stream sends a snapshot on connect and again when a round appears")
  void eventStream() {
    HttpClient http = vertx.createHttpClient();
    try {
      Promise<String> first = Promise.promise();
      Promise<String> withRound = Promise.promise();
      StringBuilder buf = new StringBuilder();
      HttpClientResponse res = await(http.request(HttpMethod.GET, port, "127.0.0.1", "/dashboard/api/events")
          .compose(req -> req.send()));
      assertThat(res.getHeader("content-type")).isEqualTo("text/event-stream");
      res.handler(b -> {
        buf.append(b.toString());
        int end;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          String event = buf.substring(0, end);
          buf.delete(0, end + 2);
          if (!event.startsWith("event: snapshot")) {
            continue;
          }
          JsonObject s = new JsonObject(event.substring(event.indexOf("data: ") + 6));
          first.tryComplete(s.encode());
          if (!s.getJsonArray("rounds").isEmpty()) {
            withRound.tryComplete(s.getJsonArray("rounds").getJsonObject(0).getString("round_id"));
          }
        }
      });
      assertThat(new JsonObject(await(first.future())).getBoolean("empty")).isTrue();
      await(chain.inner.registerNode(T1, trainer("t1", 8 * GIB, 600, "rtx3070")));
      await(chain.submitStartRound(Txs.start("9", 50, 20, assignment(T1, 0, 0, 0))));
      assertThat(await(withRound.future())).isEqualTo("9");
    } finally {
      await(http.close());
    }
  }
}
