package io.deltachain.round.api;

import io.deltachain.round.RoundServiceVerticle;
import io.deltachain.round.chain.InMemoryRoundChain;
import io.deltachain.round.testing.MutableClock;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** A round service on 127.0.0.1 with an in-memory chain, and a client for it. */
final class ApiHarness implements AutoCloseable {
  static final String TOKEN = "alice-token-0123456789abcdef";
  static final String OTHER_TOKEN = "bob-token-0123456789abcdef";

  final Vertx vertx;
  final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
  final RoundServiceVerticle verticle;
  final WebClient client;
  InMemoryRoundChain chain;
  private final String deployment;

  ApiHarness(Vertx vertx, JsonObject roundConfig) {
    this(vertx, roundConfig, io.deltachain.round.BaseCheckpoints.none());
  }

  ApiHarness(Vertx vertx, JsonObject roundConfig, io.deltachain.round.BaseCheckpoints bases) {
    this.vertx = vertx;
    JsonObject round = new JsonObject()
        .put("api", new JsonObject()
            .put("tokens", new JsonArray().add("alice:" + TOKEN).add("bob:" + OTHER_TOKEN))
            .put("max-body-bytes", 65_536))
        .put("heartbeat", new JsonObject().put("timeout-seconds", 30).put("check-interval-ms", 3_600_000));
    round.mergeIn(roundConfig, true);
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("round", round);
    this.verticle = new RoundServiceVerticle(ctx -> chain = new InMemoryRoundChain(ctx), clock, bases);
    this.deployment = await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)));
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(verticle.actualPort()));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future failed: " + e, e);
    }
  }

  HttpResponse<Buffer> get(String path) {
    return await(client.request(HttpMethod.GET, path).send());
  }

  HttpResponse<Buffer> get(String path, String token) {
    return await(client.request(HttpMethod.GET, path).putHeader("Authorization", "Bearer " + token).send());
  }

  HttpResponse<Buffer> post(String path, String token, Object body) {
    HttpRequest<Buffer> req = client.request(HttpMethod.POST, path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    if (body == null) {
      return await(req.send());
    }
    if (body instanceof JsonObject json) {
      return await(req.sendJsonObject(json));
    }
    return await(req.putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body.toString())));
  }

  /** Runs on the service's context and waits (the service is confined to it). */
  <T> T onService(java.util.concurrent.Callable<T> action) {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    vertxContext().runOnContext(v -> {
      try {
        p.complete(action.call());
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return await(p.future());
  }

  private io.vertx.core.Context vertxContext() {
    return verticle.serviceContext();
  }

  @Override
  public void close() {
    client.close();
    await(vertx.undeploy(deployment));
  }
}
