package io.deltachain.inference.remote;

import io.deltachain.inference.decode.DecoderModel;
import io.deltachain.inference.decode.DecoderSession;
import io.deltachain.inference.decode.Proposal;
import io.deltachain.trainer.model.Sampler;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a draft model on the (clustered) event bus, so a small-GPU node drafts for a target on
 * another node. Requests to {@code address}: {@code {"op":"open"}} returns a session id;
 * {@code {"op":"propose", "session", "keep", "feed":[..], "k", "temperature", "top_k", "top_p", "seed"}}
 * returns {@code {"tokens":[..], "q": base64 little-endian float64 rows}} (q only when sampling);
 * {@code {"op":"close", "session"}}. Sessions idle for {@code idleMillis} are closed, so a target
 * that vanished leaks nothing. Forward passes run on worker threads; errors are replied as
 * failures naming the problem.
 */
public final class DraftVerticle extends AbstractVerticle {
  private final DecoderModel model;
  private final String address;
  private final long idleMillis;
  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private MessageConsumer<JsonObject> consumer;
  private long sweeper;

  private static final class Entry {
    final DecoderSession session;
    volatile long lastUsed = System.currentTimeMillis();

    Entry(DecoderSession session) {
      this.session = session;
    }
  }

  /**
   * @param model the draft model
   * @param address event-bus address to serve on
   * @param idleMillis idle time after which a session is closed
   */
  public DraftVerticle(DecoderModel model, String address, long idleMillis) {
    this.model = model;
    this.address = address;
    this.idleMillis = idleMillis;
  }

  @Override
  public void start(Promise<Void> started) {
    consumer = vertx.eventBus().consumer(address, this::handle);
    sweeper = vertx.setPeriodic(Math.max(100, idleMillis / 2), id -> sweep());
    consumer.completion().onComplete(started);
  }

  @Override
  public void stop() {
    vertx.cancelTimer(sweeper);
    sessions.values().forEach(e -> e.session.close());
    sessions.clear();
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    sessions.entrySet().removeIf(e -> {
      if (now - e.getValue().lastUsed > idleMillis) {
        synchronized (e.getValue()) {
          e.getValue().session.close();
        }
        return true;
      }
      return false;
    });
  }

  private void handle(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String op = body == null ? null : body.getString("op");
    if (op == null) {
      msg.fail(400, "draft request needs an 'op' (open, propose, close)");
      return;
    }
    switch (op) {
      case "open" -> vertx.<String>executeBlocking(() -> {
        String id = model.name() + "-" + ids.incrementAndGet();
        sessions.put(id, new Entry(model.open()));
        return id;
      }, false).onSuccess(id -> msg.reply(new JsonObject().put("session", id).put("model", model.name())))
          .onFailure(e -> msg.fail(500, e.getMessage()));
      case "close" -> {
        Entry e = sessions.remove(body.getString("session", ""));
        if (e != null) {
          vertx.executeBlocking(() -> {
            synchronized (e) {
              e.session.close();
            }
            return null;
          }, false);
        }
        msg.reply(new JsonObject());
      }
      case "propose" -> propose(msg, body);
      default -> msg.fail(400, "unknown draft op '" + op + "' (open, propose, close)");
    }
  }

  private void propose(Message<JsonObject> msg, JsonObject body) {
    Entry e = sessions.get(body.getString("session", ""));
    if (e == null) {
      msg.fail(404, "no draft session '" + body.getString("session") + "' (closed after idling?)");
      return;
    }
    vertx.<JsonObject>executeBlocking(() -> {
      e.lastUsed = System.currentTimeMillis();
      JsonArray feedJson = body.getJsonArray("feed");
      if (feedJson == null || feedJson.isEmpty()) {
        throw new IllegalArgumentException("propose needs a non-empty 'feed'");
      }
      int[] feed = new int[feedJson.size()];
      for (int i = 0; i < feed.length; i++) {
        feed[i] = feedJson.getInteger(i);
      }
      Sampler sampler = new Sampler(body.getDouble("temperature", 0.0), body.getInteger("top_k", 0),
          body.getDouble("top_p", 1.0));
      Proposal p;
      synchronized (e) {
        p = io.deltachain.inference.decode.ModelDrafter.propose(e.session, body.getInteger("keep"), feed,
            body.getInteger("k"), sampler, body.getLong("seed", 0L));
      }
      e.lastUsed = System.currentTimeMillis();
      JsonObject reply = new JsonObject().put("tokens", new JsonArray(java.util.Arrays.stream(p.tokens()).boxed().toList()));
      if (!sampler.greedy()) {
        reply.put("q", encode(p.distributions()));
      }
      return reply;
    }, false).onSuccess(msg::reply).onFailure(err -> msg.fail(
        err instanceof IllegalArgumentException || err instanceof NullPointerException || err instanceof ClassCastException
            ? 400 : 500, String.valueOf(err.getMessage())));
  }

  static String encode(double[][] rows) {
    int v = rows[0].length;
    ByteBuffer b = ByteBuffer.allocate(rows.length * v * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double[] r : rows) {
      for (double x : r) {
        b.putDouble(x);
      }
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  static double[][] decode(String base64, int rows) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
    int v = b.remaining() / 8 / rows;
    double[][] out = new double[rows][v];
    for (double[] r : out) {
      for (int i = 0; i < v; i++) {
        r[i] = b.getDouble();
      }
    }
    return out;
  }
}
