package io.deltachain.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

  @Test
  @DisplayName("two Vert.x instances of one process report to one scrape, with the JVM meters bound once")
  void oneScrape() throws Exception {
    Vertx a = ServiceMetrics.enable(Vertx.builder(), new VertxOptions()).build();
    Vertx b = ServiceMetrics.enable(Vertx.builder(), new VertxOptions()).build();
    try {
      b.eventBus().consumer("metrics-test", m -> m.reply("ok"));
      b.eventBus().request("metrics-test", "ping").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      String scrape = ServiceMetrics.scrape();
      assertThat(scrape).contains("vertx_eventbus_").contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads")
          .contains("system_cpu_count");
      assertThat(scrape.lines().filter(l -> l.startsWith("# TYPE jvm_classes_loaded_classes ")).count()).isEqualTo(1);
    } finally {
      a.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      b.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertThat(ServiceMetrics.scrape()).as("the JVM meters outlive the Vert.x instances").contains("jvm_memory_used_bytes");
  }
}
