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
 * returns {@code {"tokens":[..], "vocab": V, "q": base64}} where q (only when sampling) holds each
 * proposed position's draft distribution sparsely, little-endian: per row an int32 count n, then n
 * pairs (int32 token id, float64 probability) of its non-zero entries (at most
 * {@link io.deltachain.inference.decode.ModelDrafter#MAX_SUPPORT}), exact, so the target's
 * acceptance test sees the very numbers the draft sampled with;
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
        reply.put("vocab", model.vocabSize()).put("q", encode(p.distributions()));
      }
      return reply;
    }, false).onSuccess(msg::reply).onFailure(err -> msg.fail(
        err instanceof IllegalArgumentException || err instanceof NullPointerException || err instanceof ClassCastException
            ? 400 : 500, String.valueOf(err.getMessage())));
  }

  /** Sparse encoding of distributions: per row a count, then (id, probability) of each non-zero entry. */
  static String encode(double[][] rows) {
    int entries = 0;
    for (double[] r : rows) {
      for (double x : r) {
        entries += x != 0 ? 1 : 0;
      }
    }
    ByteBuffer b = ByteBuffer.allocate(rows.length * 4 + entries * 12).order(ByteOrder.LITTLE_ENDIAN);
    for (double[] r : rows) {
      int n = 0;
      for (double x : r) {
        n += x != 0 ? 1 : 0;
      }
      b.putInt(n);
      for (int i = 0; i < r.length; i++) {
        if (r[i] != 0) {
          b.putInt(i).putDouble(r[i]);
        }
      }
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  /**
   * Decodes {@link #encode}d rows into dense distributions over {@code vocab} tokens.
   *
   * @throws IllegalArgumentException when the payload is malformed (wrong row count, an id outside
   *     the vocabulary, a negative or non-finite probability, trailing bytes)
   */
  static double[][] decode(String base64, int rows, int vocab) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
    double[][] out = new double[rows][vocab];
    try {
      for (double[] r : out) {
        int n = b.getInt();
        if (n < 1 || n > vocab) {
          throw new IllegalArgumentException("draft distribution row with " + n + " entries (vocabulary " + vocab + ")");
        }
        for (int j = 0; j < n; j++) {
          int id = b.getInt();
          double x = b.getDouble();
          if (id < 0 || id >= vocab || !(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("draft distribution entry (" + id + ", " + x + ") is not a token id of "
                + vocab + " with a positive probability");
          }
          r[id] = x;
        }
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("draft distributions truncated: fewer than " + rows + " rows", e);
    }
    if (b.hasRemaining()) {
      throw new IllegalArgumentException("draft distributions have " + b.remaining() + " trailing bytes");
    }
    return out;
  }
}
