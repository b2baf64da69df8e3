package io.deltachain.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class RoundServiceVerticleTest {

  @Test
  @DisplayName("a bad configuration fails the deployment, naming every bad key")
  void badConfig(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put("round", new JsonObject()
        .put("api", new JsonObject().put("tokens", new JsonArray().add("short:abc")))
        .put("scheduler", new JsonObject().put("policy", "fastest"))
        .put("training-blocks", 0));
    vertx.deployVerticle(RoundServiceVerticle.inMemory(), new DeploymentOptions().setConfig(config))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertThat(e.getMessage()).contains("round.api.tokens").contains("shorter than 16")
              .contains("round.scheduler.policy").contains("round.training-blocks");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("with vertx-micrometer-metrics, /metrics carries Vert.x HTTP server metrics; configured datasets load")
  void metricsAndDatasets(@TempDir Path dir) throws Exception {
    Path corpus = dir.resolve("corpus.txt.gz");
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(corpus))) {
      out.write("first document\nsecond document\n\nthird document\n".getBytes(StandardCharsets.UTF_8));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    try {
      RoundServiceVerticle verticle = RoundServiceVerticle.inMemory();
      JsonObject config = new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
          .put("round", new JsonObject().put("datasets", new JsonArray().add("tiny-corpus=" + corpus)));
      vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      WebClient client = WebClient.create(vertx);
      JsonObject datasets = client.get(verticle.actualPort(), "127.0.0.1", "/learning/datasets").send()
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).bodyAsJsonObject();
      assertThat(datasets.getJsonArray("datasets").getJsonObject(0).getString("name")).isEqualTo("tiny-corpus");
      assertThat(datasets.getJsonArray("datasets").getJsonObject(0).getInteger("documents")).isEqualTo(3);
      String metrics = client.get(verticle.actualPort(), "127.0.0.1", "/metrics").send()
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).bodyAsString();
      assertThat(metrics).contains("vertx_http_server_requests_total").contains("deltachain_round_rounds");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }
}
