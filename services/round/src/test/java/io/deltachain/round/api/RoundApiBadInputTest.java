package io.deltachain.round.api;

import static io.deltachain.round.api.ApiHarness.TOKEN;
import static io.deltachain.round.api.ApiHarness.await;
import static io.deltachain.round.testing.Txs.address;
import static io.deltachain.round.testing.Txs.assignment;
import static io.deltachain.round.testing.Txs.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RoundApiBadInputTest {
  private static final String HASH = "ab".repeat(32);
  private ApiHarness api;

  @BeforeEach
  void deploy(Vertx vertx) {
    api = new ApiHarness(vertx, new JsonObject());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** Every error is a 4xx JSON object naming the problem. */
  private JsonObject error(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("error")).isEqualTo(code);
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("message")).isNotBlank();
    return body;
  }

  private static JsonObject validStart() {
    return new JsonObject().put("model_id", "tiny-1m").put("mode", "lora").put("dataset", "x")
        .put("hyperparams", new JsonObject().put("lr", 0.001).put("batch_size", 2).put("epochs", 1).put("lora_rank", 4));
  }

  private static JsonObject validDelta() {
    return new JsonObject().put("layer_name", "model.layers.0").put("base_hash", HASH).put("delta_block_hash", HASH)
        .put("metrics", new JsonObject().put("loss_before", 2.0).put("loss_after", 1.9).put("eval_score", 0.5));
  }

  @Test
  @DisplayName("unknown round: 404 for status, plan, cost, cancel and submit_delta")
  void unknownRound() {
    assertThat(error(api.get("/learning/round/r-missing/status"), 404, "round_not_found").getString("message"))
        .contains("r-missing");
    error(api.get("/learning/round/r-missing/plan"), 404, "round_not_found");
    error(api.get("/learning/round/r-missing/cost"), 404, "round_not_found");
    error(api.post("/learning/round/r-missing/cancel", TOKEN, new JsonObject()), 404, "round_not_found");
    error(api.post("/learning/round/r-missing/submit_delta", TOKEN, validDelta()), 404, "round_not_found");
    error(api.get("/learning/delta/" + HASH), 404, "delta_not_found");
    error(api.get("/learning/datasets/" + HASH), 404, "dataset_not_found");
    error(api.post("/learning/workers/" + address(7) + "/heartbeat", TOKEN, new JsonObject()), 404, "worker_not_found");
  }

  @Test
  @DisplayName("malformed JSON is a 400 naming the body")
  void malformedJson() {
    JsonObject e = error(api.post("/learning/round/start", TOKEN, "{\"model_id\": \"tiny-1m\", "), 400, "invalid_request");
    assertThat(e.getString("message").toLowerCase()).contains("body");
    error(api.post("/learning/round/r1/submit_delta", TOKEN, "not json at all"), 400, "invalid_request");
    error(api.post("/learning/datasets", TOKEN, "[1, 2"), 400, "invalid_request");
  }

  @Test
  @DisplayName("missing fields are a 400 naming the field")
  void missingFields() {
    JsonObject noMode = validStart();
    noMode.remove("mode");
    assertThat(error(api.post("/learning/round/start", TOKEN, noMode), 400, "invalid_request").getString("message"))
        .contains("mode");
    JsonObject noLr = validStart();
    noLr.getJsonObject("hyperparams").remove("lr");
    assertThat(error(api.post("/learning/round/start", TOKEN, noLr), 400, "invalid_request").getString("message"))
        .contains("lr");
    JsonObject noMetrics = validDelta();
    noMetrics.remove("metrics");
    assertThat(error(api.post("/learning/round/r1/submit_delta", TOKEN, noMetrics), 400, "invalid_request")
        .getString("message")).contains("metrics");
    error(api.post("/learning/round/start", TOKEN, new JsonObject()), 400, "invalid_request");
    error(api.get("/learning/datasets/" + HASH + "/shards/0?count=2"), 400, "invalid_request");
  }

  @Test
  @DisplayName("wrong types and out-of-range values are a 400 naming the field")
  void wrongTypes() {
    JsonObject lrText = validStart();
    lrText.getJsonObject("hyperparams").put("lr", "fast");
    assertThat(error(api.post("/learning/round/start", TOKEN, lrText), 400, "invalid_request").getString("message"))
        .contains("hyperparams.lr").contains("Expected number");
    JsonObject batchFloat = validStart();
    batchFloat.getJsonObject("hyperparams").put("batch_size", 2.5);
    error(api.post("/learning/round/start", TOKEN, batchFloat), 400, "invalid_request");
    JsonObject negativeRank = validStart();
    negativeRank.getJsonObject("hyperparams").put("lora_rank", -4);
    error(api.post("/learning/round/start", TOKEN, negativeRank), 400, "invalid_request");
    error(api.post("/learning/round/start", TOKEN, validStart().put("mode", "turbo")), 400, "invalid_request");
    assertThat(error(api.post("/learning/round/start", TOKEN, validStart().put("hyperparms", 1)), 400,
        "invalid_request").getString("message")).contains("unknown field 'hyperparms'");
    JsonObject badHash = validDelta().put("base_hash", "xyz");
    assertThat(error(api.post("/learning/round/r1/submit_delta", TOKEN, badHash), 400, "invalid_request")
        .getString("message")).contains("base_hash");
    error(api.post("/learning/round/r1/submit_delta", TOKEN, validDelta().put("layer_name", 7)), 400, "invalid_request");
    assertThat(error(api.get("/learning/delta/not-a-hash"), 400, "invalid_request").getString("message"))
        .contains("delta_id");
    error(api.get("/learning/rounds?limit=zero"), 400, "invalid_request");
    error(api.get("/learning/rounds?state=DONE"), 400, "invalid_request");
    error(api.post("/learning/round/start", TOKEN, "[]"), 400, "invalid_request");
  }

  @Test
  @DisplayName("an oversize body is a 413")
  void oversize() {
    String big = "x".repeat(70_000);
    JsonObject body = new JsonObject().put("name", "big").put("documents", new io.vertx.core.json.JsonArray().add(big));
    assertThat(error(api.post("/learning/datasets", TOKEN, body), 413, "body_too_large").getString("message"))
        .contains("65536");
  }

  @Test
  @DisplayName("write operations need a valid bearer token: 401 otherwise")
  void tokens() {
    HttpResponse<Buffer> none = api.post("/learning/round/start", null, validStart());
    error(none, 401, "unauthorized");
    assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
    error(api.post("/learning/round/start", "wrong-token-0000000000000", validStart()), 401, "unauthorized");
    HttpResponse<Buffer> basic = await(api.client.request(HttpMethod.POST, "/learning/datasets")
        .putHeader("Authorization", "Basic YWxpY2U6c2VjcmV0").sendJsonObject(new JsonObject()));
    error(basic, 401, "unauthorized");
    error(api.post("/learning/round/r1/cancel", null, new JsonObject()), 401, "unauthorized");
    assertThat(api.get("/learning/rounds").statusCode()).as("reads are open").isEqualTo(200);
  }

  @Test
  @DisplayName("unknown endpoints and methods answer 404 and 405 in JSON")
  void unknownRoutes() {
    error(api.get("/learning/nothing-here"), 404, "not_found");
    error(await(api.client.request(HttpMethod.DELETE, "/learning/rounds").send()), 405, "method_not_allowed");
  }

  @Test
  @DisplayName("semantic errors: a delta for a layer the model lacks is 422, for a round past training 409")
  void semanticErrors() {
    await(api.chain.submitStartRound(start("r1", 3, 2, assignment(address(1), 0, 1, 0))));
    JsonObject e = error(api.post("/learning/round/r1/submit_delta", TOKEN,
        validDelta().put("layer_name", "model.layers.99")), 422, "invalid_layer");
    assertThat(e.getString("message")).contains("model.layers.99").contains("0..");
    error(api.post("/learning/round/r1/submit_delta", TOKEN, validDelta().put("trainer", address(2))), 422,
        "not_assigned");
    await(api.chain.advance(5));
    assertThat(error(api.post("/learning/round/r1/submit_delta", TOKEN, validDelta()), 409, "round_not_training")
        .getString("message")).contains("accepted only while it is TRAINING");
  }

  @Test
  @DisplayName("a client over its quota gets 429 with a JSON body and Retry-After, for its reads too; others are not affected; /health and /metrics are not counted")
  void quota(Vertx vertx) {
    api.close();
    api = new ApiHarness(vertx, new JsonObject().put("quota", new JsonObject()
        .put("requests-per-window", 3).put("rounds-per-window", 1).put("window-seconds", 60)));
    for (int i = 0; i < 3; i++) {
      assertThat(api.post("/learning/round/r1/cancel", TOKEN, new JsonObject()).statusCode()).isEqualTo(404);
    }
    HttpResponse<Buffer> over = api.post("/learning/round/r1/cancel", TOKEN, new JsonObject());
    JsonObject body = error(over, 429, "quota_exceeded");
    assertThat(body.getString("limit")).isEqualTo("requests");
    assertThat(body.getInteger("max")).isEqualTo(3);
    assertThat(body.getString("message")).contains("alice");
    assertThat(Long.parseLong(over.getHeader("Retry-After"))).isBetween(1L, 60L);
    assertThat(api.post("/learning/round/r1/cancel", ApiHarness.OTHER_TOKEN, new JsonObject()).statusCode())
        .isEqualTo(404);
    // a read with alice's token is alice's: refused too; anonymous reads are another client
    assertThat(error(api.get("/learning/rounds", TOKEN), 429, "quota_exceeded").getString("message")).contains("alice");
    assertThat(api.get("/learning/rounds").statusCode()).isEqualTo(200);
    assertThat(error(api.get("/learning/rounds", "not-a-known-token-0123456789"), 401, "unauthorized")
        .getString("message")).contains("not valid");
    assertThat(ApiHarness.await(api.client.request(io.vertx.core.http.HttpMethod.GET, "/learning/rounds")
        .putHeader("Authorization", "Basic cHJveHk6cHc=").send()).statusCode())
        .as("a read with a proxy's Basic credentials stays anonymous").isEqualTo(200);
    // monitoring is neither counted nor refused
    for (int i = 0; i < 5; i++) {
      assertThat(api.get("/health", TOKEN).statusCode()).isEqualTo(200);
      assertThat(api.get("/metrics").statusCode()).isEqualTo(200);
    }
    api.clock.advance(java.time.Duration.ofSeconds(61));
    assertThat(api.post("/learning/round/r1/cancel", TOKEN, new JsonObject()).statusCode()).isEqualTo(404);
  }
}
