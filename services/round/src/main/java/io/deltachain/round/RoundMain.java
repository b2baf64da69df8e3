package io.deltachain.round;

import io.deltachain.core.config.ConfigException;
import io.deltachain.core.config.ConfigLoader;
import io.deltachain.core.config.ConfigView;
import io.deltachain.core.config.HttpConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.nio.file.Path;

/**
 * Runs the round service alone, over an in-memory chain (nothing persists; the launcher wires
 * the real chain). Usage: {@code RoundMain [config.json]}; environment variables
 * {@code DELTACHAIN_ROUND_*} and {@code DELTACHAIN_HTTP_*} override the file.
 */
public final class RoundMain {
  private RoundMain() {}

  /** Starts the service and stops it on Ctrl-C. */
  public static void main(String[] args) {
    ConfigView view;
    try {
      ConfigLoader.Builder b = ConfigLoader.builder().optEnvironment(System.getenv())
          .optKnownKeys(RoundServiceConfig.KEYS);
      if (args.length > 0) {
        b.optFile(Path.of(args[0]));
      }
      view = b.build().load();
      RoundServiceConfig.from(view);
    } catch (ConfigException e) {
      System.err.println("deltachain round service: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            .setJvmMetricsEnabled(true).setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    RoundServiceVerticle verticle = RoundServiceVerticle.inMemory();
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(view.json()))
        .onSuccess(id -> System.out.println("round service on http://" + HttpConfig.from(view).host() + ":"
            + verticle.actualPort() + " (in-memory chain; Ctrl-C to stop)"))
        .onFailure(e -> {
          System.err.println("deltachain round service failed to start: " + e.getMessage());
          vertx.close();
          System.exit(1);
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get();
      } catch (Exception ignored) {
        // shutting down anyway
      }
    }, "round-shutdown"));
  }
}
