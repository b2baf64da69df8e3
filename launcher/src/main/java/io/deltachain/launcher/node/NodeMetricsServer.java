package io.deltachain.launcher.node;

import io.deltachain.core.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The HTTP server every {@code deltachain node} runs whatever its roles ({@code metrics.*}):
 * {@code GET /metrics} is this process's Prometheus scrape ({@link ServiceMetrics}: the event bus,
 * HTTP clients and servers, the JVM, and the project's {@code deltachain_*} meters of every role
 * in the process), {@code GET /health} a JSON report of the node ({@link NodeHealth}): 200 when
 * it is healthy, 503 when not, so that a container health check or a load balancer can use it.
 * Anything else is a 404 with a JSON body naming the two endpoints.
 */
public final class NodeMetricsServer {
  private final Vertx vertx;
  private final String host;
  private final int port;
  private final Supplier<Future<JsonObject>> health;
  private HttpServer server;

  /**
   * A server for {@code host:port} (port 0: a free one).
   *
   * @param health the report {@code /health} answers; its {@code status} field is {@code ok} when healthy
   */
  public NodeMetricsServer(Vertx vertx, String host, int port, Supplier<Future<JsonObject>> health) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.health = health;
  }

  /** Binds; fails with the bind error (the port in use, say) naming the address. */
  public Future<NodeMetricsServer> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(port, host)
        .recover(e -> Future.failedFuture(new IllegalStateException("metrics server cannot listen on " + host + ":"
            + port + " (metrics.host/metrics.port): " + e.getMessage(), e)))
        .map(s -> this);
  }

  /** The port it listens on (the chosen one when configured with 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** Stops listening. */
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    boolean known = path.equals("/metrics") || path.equals("/health");
    if (!known) {
      json(req, 404, new JsonObject().put("error", "not_found")
          .put("message", "no such endpoint: " + path + "; this server has GET /metrics and GET /health"));
      return;
    }
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().putHeader("allow", "GET, HEAD");
      json(req, 405, new JsonObject().put("error", "method_not_allowed")
          .put("message", req.method() + " is not allowed on " + path + "; use GET"));
      return;
    }
    if (path.equals("/metrics")) {
      req.response().putHeader("content-type", ServiceMetrics.CONTENT_TYPE).end(ServiceMetrics.scrape());
      return;
    }
    Future<JsonObject> report;
    try {
      report = health.get();
    } catch (RuntimeException e) {
      report = Future.failedFuture(e);
    }
    report.onComplete(ar -> {
      if (ar.succeeded()) {
        json(req, "ok".equals(ar.result().getString("status")) ? 200 : 503, ar.result());
      } else {
        json(req, 503, new JsonObject().put("status", "unavailable")
            .put("error", "the health report failed: " + ar.cause()));
      }
    });
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
