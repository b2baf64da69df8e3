package io.deltachain.round.api;

import static io.deltachain.round.api.ApiHarness.OTHER_TOKEN;
import static io.deltachain.round.api.ApiHarness.TOKEN;
import static io.deltachain.round.api.ApiHarness.await;
import static io.deltachain.round.testing.Txs.address;
import static io.deltachain.round.testing.Txs.trainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.round.lifecycle.DeltaStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RoundApiTest {
  private static final long GIB = 1L << 30;
  private static final String T1 = address(0x101);
  private static final String T2 = address(0x102);
  private static final String T3 = address(0x103);
  private static final String HASH_A = "ab".repeat(32);
  private static final String HASH_B = "cd".repeat(32);

  private ApiHarness api;

  @BeforeEach
  void start(Vertx vertx) {
    api = new ApiHarness(vertx, new JsonObject());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject();
  }

  private void registerTrainers() {
    await(api.chain.registerNode(T1, trainer("t1", 8 * GIB, 600, "rtx3070")));
    await(api.chain.registerNode(T2, trainer("t2", 8 * GIB, 500, "rtx3070")));
    await(api.chain.registerNode(T3, trainer("t3", 6 * GIB, 300, "rtx2060")));
    for (String t : List.of(T1, T2, T3)) {
      assertThat(api.post("/learning/workers/" + t + "/heartbeat", TOKEN,
          new JsonObject().put("tokens_per_second", 650.0)).statusCode()).isEqualTo(204);
    }
  }

  private String registerDataset() {
    JsonArray docs = new JsonArray();
    for (int i = 0; i < 40; i++) {
      docs.add("Resumption of the session " + i + ". I declare resumed the session of the European Parliament.");
    }
    docs.add("Please write to rapporteur@example.eu or call +32 2 284 21 11 about the amendment.");
    HttpResponse<Buffer> r = api.post("/learning/datasets", TOKEN,
        new JsonObject().put("name", "europarl-sample").put("documents", docs));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return json(r).getString("hash");
  }

  private JsonObject startBody(String dataset) {
    return new JsonObject().put("model_id", "tiny-1m").put("mode", "lora").put("dataset", dataset)
        .put("hyperparams", new JsonObject().put("lr", 1e-4).put("batch_size", 4).put("epochs", 1)
            .put("lora_rank", 8).put("sequence_length", 128))
        .put("training_blocks", 50).put("validation_blocks", 20);
  }

  @Test
  @DisplayName("a round starts over HTTP, takes a delta, shows status, plan, delta, lineage, workers, cost, and cancels")
  void fullFlow() {
    registerTrainers();
    String dataset = registerDataset();

    HttpResponse<Buffer> started = api.post("/learning/round/start", TOKEN, startBody(dataset));
    assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(202);
    JsonObject s = json(started);
    String roundId = s.getString("round_id");
    assertThat(s.getString("status")).isEqualTo("TRAINING");
    assertThat(s.getJsonArray("workers")).hasSize(3);
    assertThat(s.getLong("height")).isPositive();
    assertThat(s.getJsonObject("pii").getJsonObject("counts").getLong("email")).isEqualTo(1);
    assertThat(s.getJsonObject("pii").getJsonObject("counts").getLong("phone")).isEqualTo(1);

    JsonObject status = json(api.get("/learning/round/" + roundId + "/status"));
    assertThat(status.fieldNames()).contains("round_id", "status", "workers", "progress", "deltas_received",
        "deltas_validated");
    assertThat(status.getInteger("deltas_received")).isZero();
    assertThat(status.getDouble("progress")).isEqualTo(0.1);

    JsonObject plan = json(api.get("/learning/round/" + roundId + "/plan"));
    assertThat(plan.getString("plan_hash")).isEqualTo(status.getString("plan_hash"))
        .isEqualTo(ContentHash.sha256(plan.getJsonObject("document").encode().getBytes(StandardCharsets.UTF_8)).hex());
    // the evaluation set and the PII-filtered training set are registered under their hashes
    String trainHash = plan.getJsonObject("document").getJsonObject("dataset").getString("train_hash");
    assertThat(api.get("/learning/datasets/" + trainHash).statusCode()).isEqualTo(200);
    JsonObject shard = json(api.get("/learning/datasets/" + trainHash + "/shards/0?count=3&seed="
        + plan.getJsonObject("document").getJsonObject("dataset").getString("round_seed")));
    assertThat(shard.getJsonArray("documents").encode()).doesNotContain("rapporteur@example.eu");

    HttpResponse<Buffer> submitted = api.post("/learning/round/" + roundId + "/submit_delta", TOKEN,
        new JsonObject().put("layer_name", "model.layers.0").put("base_hash", HASH_A).put("delta_block_hash", HASH_B)
            .put("metrics", new JsonObject().put("loss_before", 3.2).put("loss_after", 3.0).put("eval_score", 0.41))
            .put("size_bytes", 2048).put("tokens", 65_000));
    assertThat(submitted.statusCode()).as(submitted.bodyAsString()).isEqualTo(202);
    String deltaId = json(submitted).getString("delta_id");
    JsonObject delta = json(api.get("/learning/delta/" + deltaId));
    assertThat(delta.getString("status")).isEqualTo("PENDING");
    assertThat(delta.getJsonObject("metrics").getDouble("eval_score")).isEqualTo(0.41);
    assertThat(delta.getDouble("loss_after")).isEqualTo(3.0);

    await(api.chain.decide(deltaId, DeltaStatus.ACCEPTED, List.of()));
    assertThat(json(api.get("/learning/delta/" + deltaId)).getString("status")).isEqualTo("ACCEPTED");
    await(api.chain.acceptCheckpoint(roundId, "model.layers.0", "ee".repeat(32), "bafkreiexample", 4096,
        List.of(deltaId)));
    JsonObject lineage = json(api.get("/learning/layer/model.layers.0/lineage"));
    assertThat(lineage.getString("head")).isEqualTo("ee".repeat(32));
    assertThat(lineage.getJsonArray("lineage").getJsonObject(0).getJsonArray("contributing_deltas"))
        .containsExactly(deltaId);

    status = json(api.get("/learning/round/" + roundId + "/status"));
    assertThat(status.getInteger("deltas_received")).isEqualTo(1);
    assertThat(status.getInteger("deltas_validated")).isEqualTo(1);
    JsonObject cost = json(api.get("/learning/round/" + roundId + "/cost"));
    assertThat(cost.getLong("stored_bytes")).isEqualTo(2048 + 4096);
    assertThat(cost.getDouble("gpu_seconds")).isEqualTo(100.0);

    JsonArray workers = json(api.get("/learning/workers")).getJsonArray("workers");
    assertThat(workers).hasSize(3);
    assertThat(workers.getJsonObject(0).getBoolean("alive")).isTrue();
    assertThat(json(api.get("/learning/rounds?state=TRAINING")).getJsonArray("rounds")).hasSize(1);

    HttpResponse<Buffer> cancelled = api.post("/learning/round/" + roundId + "/cancel", OTHER_TOKEN,
        new JsonObject().put("reason", "operator test"));
    assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
    assertThat(json(cancelled).getString("status")).isEqualTo("CANCELLED");
    assertThat(json(cancelled).getString("reason")).isEqualTo("cancelled: operator test");
    HttpResponse<Buffer> late = api.post("/learning/round/" + roundId + "/submit_delta", TOKEN,
        new JsonObject().put("layer_name", "model.layers.1").put("base_hash", HASH_A).put("delta_block_hash", HASH_B)
            .put("metrics", new JsonObject().put("loss_before", 3.2).put("loss_after", 3.0).put("eval_score", 0.4)));
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(json(late).getString("message")).contains("is CANCELLED");

    JsonObject health = json(api.get("/health"));
    assertThat(health.getString("status")).isEqualTo("ok");
    assertThat(health.getLong("height")).isEqualTo(await(api.chain.latestHeight()));
  }

  @Test
  @DisplayName("the OpenAPI document and Prometheus metrics are served")
  void openapiAndMetrics() {
    HttpResponse<Buffer> doc = api.get("/openapi.yaml");
    assertThat(doc.statusCode()).isEqualTo(200);
    assertThat(doc.bodyAsString()).contains("openapi: 3.1.0").contains("/learning/round/start");
    HttpResponse<Buffer> metrics = api.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.getHeader("content-type")).startsWith("text/plain");
    assertThat(metrics.bodyAsString()).contains("deltachain_round_rounds{state=\"training\"}")
        .contains("deltachain_round_workers_alive");
  }

  @Test
  @DisplayName("a starting round reports what is wrong: unknown model, unknown dataset, no trainers")
  void startErrors() {
    String dataset = registerDataset();
    HttpResponse<Buffer> noTrainers = api.post("/learning/round/start", TOKEN, startBody(dataset));
    assertThat(noTrainers.statusCode()).isEqualTo(503);
    assertThat(json(noTrainers).getString("error")).isEqualTo("no_trainers");
    registerTrainers();
    HttpResponse<Buffer> model = api.post("/learning/round/start", TOKEN, startBody(dataset).put("model_id", "gpt-5"));
    assertThat(model.statusCode()).isEqualTo(422);
    assertThat(json(model).getString("message")).contains("gpt-5").contains("qwen3-8b");
    HttpResponse<Buffer> ds = api.post("/learning/round/start", TOKEN, startBody("nope"));
    assertThat(ds.statusCode()).isEqualTo(422);
    assertThat(json(ds).getString("message")).contains("dataset 'nope' is not registered");
    HttpResponse<Buffer> seq = api.post("/learning/round/start", TOKEN, startBody(dataset)
        .put("hyperparams", startBody(dataset).getJsonObject("hyperparams").put("sequence_length", 1_000_000)));
    assertThat(seq.statusCode()).isEqualTo(422);
    assertThat(json(seq).getString("message")).contains("sequence_length");
  }
}
