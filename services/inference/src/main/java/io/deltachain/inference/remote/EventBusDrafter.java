package io.deltachain.inference.remote;

import io.deltachain.inference.decode.Drafter;
import io.deltachain.inference.decode.Proposal;
import io.deltachain.trainer.model.Sampler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A draft served by a {@link DraftVerticle} elsewhere on the clustered event bus. Blocking: call
 * it from a worker thread (the decoder runs on one), never from an event loop.
 */
public final class EventBusDrafter implements Drafter {
  private final Vertx vertx;
  private final String address;
  private final Duration timeout;
  private final String session;
  private final String name;

  /**
   * Opens a session on the draft service.
   *
   * @param vertx the (clustered) Vert.x instance
   * @param address the draft service's address
   * @param timeout per-request timeout
   * @throws IllegalStateException when the draft service does not answer
   */
  public EventBusDrafter(Vertx vertx, String address, Duration timeout) {
    this.vertx = vertx;
    this.address = address;
    this.timeout = timeout;
    JsonObject opened = call(new JsonObject().put("op", "open"));
    this.session = opened.getString("session");
    this.name = opened.getString("model") + "@" + address;
  }

  private JsonObject call(JsonObject request) {
    Future<JsonObject> f = vertx.eventBus().<JsonObject>request(address, request,
        new DeliveryOptions().setSendTimeout(timeout.toMillis())).map(m -> m.body());
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("draft service at " + address + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("draft service at " + address + " did not answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the draft service", e);
    }
  }

  @Override
  public Proposal propose(int keep, int[] feed, int k, Sampler sampler, long seed) {
    JsonObject reply = call(new JsonObject().put("op", "propose").put("session", session).put("keep", keep)
        .put("feed", new JsonArray(Arrays.stream(feed).boxed().toList())).put("k", k)
        .put("temperature", sampler.temperature()).put("top_k", sampler.topK()).put("top_p", sampler.topP())
        .put("seed", seed));
    JsonArray t = reply.getJsonArray("tokens");
    int[] tokens = new int[t.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = t.getInteger(i);
    }
    double[][] q = sampler.greedy() ? new double[tokens.length][] : DraftVerticle.decode(reply.getString("q"), tokens.length,
        reply.getInteger("vocab"));
    return new Proposal(tokens, q);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    vertx.eventBus().request(address, new JsonObject().put("op", "close").put("session", session));
  }
}
