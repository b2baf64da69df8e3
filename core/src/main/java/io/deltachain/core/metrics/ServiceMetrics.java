package io.deltachain.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Where every service records its own meters ({@code deltachain_*}) and what its {@code /metrics}
 * endpoint scrapes: the Prometheus registry of the Vert.x metrics backend when Vert.x was built
 * with {@link #enable} (then the Vert.x event-bus, HTTP server/client and pool meters are in the
 * same scrape), otherwise one process-wide Prometheus registry holding the project's meters only.
 */
public final class ServiceMetrics {
  /** The Prometheus text format's content type. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final PrometheusMeterRegistry PROCESS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  static {
    // JVM meters are the process's: bound once here, not by each Vert.x instance of the process
    // (a node runs several; each binding them again logged "Gauge has been already registered")
    new ClassLoaderMetrics().bindTo(PROCESS);
    new JvmMemoryMetrics().bindTo(PROCESS);
    new JvmGcMetrics().bindTo(PROCESS);
    new JvmThreadMetrics().bindTo(PROCESS);
    new ProcessorMetrics().bindTo(PROCESS);
  }

  private ServiceMetrics() {}

  /** The registry to record in (see the class comment). */
  public static PrometheusMeterRegistry registry() {
    MeterRegistry backend = BackendRegistries.getDefaultNow();
    return backend instanceof PrometheusMeterRegistry p ? p : PROCESS;
  }

  /** The current scrape, in the Prometheus text format. */
  public static String scrape() {
    return registry().scrape();
  }

  /**
   * Options that turn on Vert.x's own metrics (event bus, HTTP, pools) into the process-wide
   * registry, so that every Vert.x instance of the process reports to one scrape beside the JVM
   * meters the registry holds already.
   */
  public static VertxBuilder enable(VertxBuilder builder, VertxOptions options) {
    return builder.with(options.setMetricsOptions(new MicrometerMetricsOptions()
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            .setJvmMetricsEnabled(false).setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(PROCESS));
  }
}
