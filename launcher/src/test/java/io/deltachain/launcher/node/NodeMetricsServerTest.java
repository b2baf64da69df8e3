package io.deltachain.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A node's own /metrics and /health server, without a chain or cluster behind it. */
class NodeMetricsServerTest {
  static Vertx vertx;
  static NodeMetricsServer server;
  static final AtomicReference<Future<JsonObject>> HEALTH = new AtomicReference<>();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = NodeRunner.await(new NodeMetricsServer(vertx, "127.0.0.1", 0, HEALTH::get).start(), 30);
  }

  @AfterAll
  static void stop() {
    NodeRunner.await(vertx.close(), 30);
  }

  HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("GET /metrics is the process registry in the Prometheus text format, with the meters roles record")
  void metrics() throws Exception {
    Counter.builder("deltachain_test_node_metrics_total").tag("role", "test").register(ServiceMetrics.registry())
        .increment(3);
    HttpResponse<String> r = send("GET", "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).contains(ServiceMetrics.CONTENT_TYPE);
    assertThat(r.body()).contains("# TYPE deltachain_test_node_metrics_total counter")
        .contains("deltachain_test_node_metrics_total{role=\"test\"} 3.0");
  }

  @Test
  @DisplayName("GET /health answers the report as JSON: 200 when its status is ok, 503 otherwise or when it fails")
  void health() throws Exception {
    HEALTH.set(Future.succeededFuture(new JsonObject().put("status", "ok").put("moniker", "n-1")));
    HttpResponse<String> ok = send("GET", "/health");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("content-type")).contains("application/json");
    assertThat(new JsonObject(ok.body()).getString("moniker")).isEqualTo("n-1");

    HEALTH.set(Future.succeededFuture(new JsonObject().put("status", "unavailable")));
    assertThat(send("GET", "/health").statusCode()).isEqualTo(503);

    HEALTH.set(Future.failedFuture(new IllegalStateException("boom")));
    HttpResponse<String> failed = send("GET", "/health");
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(failed.body()).getString("error")).contains("boom");
  }

  @Test
  @DisplayName("another path is a JSON 404 naming the endpoints, another method a 405")
  void badRequests() throws Exception {
    HttpResponse<String> missing = send("GET", "/learning/rounds");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getString("message")).contains("/metrics").contains("/health");
    HttpResponse<String> post = send("POST", "/metrics");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).contains("GET, HEAD");
  }

  @Test
  @DisplayName("a port already in use fails the start with the address and the keys to change")
  void portInUse() {
    NodeMetricsServer second = new NodeMetricsServer(vertx, "127.0.0.1", server.actualPort(), HEALTH::get);
    Throwable e = second.start().toCompletionStage().toCompletableFuture().handle((s, t) -> t).join();
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("127.0.0.1:" + server.actualPort()).contains("metrics.port");
  }

  @Test
  @DisplayName("the health report: an unreachable CometBFT RPC makes a trainer unavailable and is named; a store-only node stays ok")
  void healthReport() throws Exception {
    String rpc = "http://127.0.0.1:" + LocalNet.freePort("127.0.0.1");
    JsonObject trainer = NodeRunner.await(new NodeHealth(vertx, EnumSet.of(Role.TRAINER), "t-0", "c-1", rpc,
        null, null, "deltachain").get(), 30);
    assertThat(trainer.getString("status")).isEqualTo("unavailable");
    assertThat(trainer.getJsonArray("roles").getList()).containsExactly("trainer");
    assertThat(trainer.getJsonObject("chain").getBoolean("reachable")).isFalse();
    assertThat(trainer.getJsonArray("problems").getString(0)).contains(rpc).contains("unreachable");

    JsonObject store = NodeRunner.await(new NodeHealth(vertx, EnumSet.of(Role.STORE, Role.ABCI), "s-0", "c-1", rpc,
        () -> 42L, null, "deltachain").get(), 30);
    assertThat(store.getJsonObject("abci").getLong("ledger_height")).isEqualTo(42L);
    assertThat(store.getString("status")).as("the abci role needs its CometBFT node").isEqualTo("unavailable");
    JsonObject storeOnly = NodeRunner.await(new NodeHealth(vertx, EnumSet.of(Role.STORE), "s-0", "c-1", rpc,
        null, null, "deltachain").get(), 30);
    assertThat(storeOnly.getString("status")).isEqualTo("ok");
    assertThat(storeOnly.containsKey("cluster")).isFalse();
  }
}
