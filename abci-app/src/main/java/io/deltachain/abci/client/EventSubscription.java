package io.deltachain.abci.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A websocket subscription to CometBFT events that survives node restarts: on a dropped
 * connection or a cancelled subscription (CometBFT cancels slow clients) it reconnects with
 * exponential backoff (250 ms doubling to 5 s) and subscribes again.
 */
public final class EventSubscription implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventSubscription.class);
  private static final long MIN_BACKOFF_MS = 250;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final String query;
  private final Handler<ChainEvent> handler;
  private final WebSocketClient client;
  private volatile boolean closed;
  private volatile WebSocket socket;
  private volatile Handler<Throwable> errorHandler = e -> LOG.warn("event subscription: {}", e.getMessage());
  private volatile long connects;
  private long backoffMs = MIN_BACKOFF_MS;

  private EventSubscription(Vertx vertx, String host, int port, String query, Handler<ChainEvent> handler) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.query = query;
    this.handler = handler;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 * 1024 * 1024)
        .setMaxFrameSize(16 * 1024 * 1024).setConnectTimeout(5_000));
  }

  static EventSubscription start(Vertx vertx, String host, int port, String query, Handler<ChainEvent> handler) {
    EventSubscription s = new EventSubscription(vertx, host, port, query, handler);
    vertx.runOnContext(v -> s.connect());
    return s;
  }

  /** Receives connection and protocol errors (each followed by a reconnection attempt). */
  public EventSubscription errorHandler(Handler<Throwable> h) {
    this.errorHandler = h;
    return this;
  }

  /** True while the websocket is open and subscribed. */
  public boolean connected() {
    return socket != null;
  }

  /** How many times the subscription has been (re)established. */
  public long connects() {
    return connects;
  }

  private void connect() {
    if (closed) {
      return;
    }
    client.connect(port, host, "/websocket").onComplete(ar -> {
      if (ar.failed()) {
        retry(new ChainClientException(ChainClientException.Kind.TRANSPORT, "subscribe", 0,
            "cannot open ws://" + host + ":" + port + "/websocket: " + ar.cause().getMessage(), ar.cause()));
        return;
      }
      WebSocket ws = ar.result();
      if (closed) {
        ws.close();
        return;
      }
      ws.textMessageHandler(this::onMessage);
      ws.closeHandler(v -> {
        if (socket == ws) {
          socket = null;
        }
        retry(new ChainClientException(ChainClientException.Kind.TRANSPORT, "subscribe", 0,
            "websocket to " + host + ":" + port + " closed", null));
      });
      ws.exceptionHandler(e -> errorHandler.handle(e));
      JsonObject sub = new JsonObject().put("jsonrpc", "2.0").put("method", "subscribe").put("id", 0)
          .put("params", new JsonObject().put("query", query));
      ws.writeTextMessage(sub.encode());
      socket = ws;
      connects++;
      backoffMs = MIN_BACKOFF_MS;
    });
  }

  private void retry(Throwable why) {
    if (closed) {
      return;
    }
    errorHandler.handle(why);
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    vertx.setTimer(delay, t -> connect());
  }

  private void onMessage(String text) {
    JsonObject msg;
    try {
      msg = new JsonObject(text);
    } catch (DecodeException e) {
      errorHandler.handle(new ChainClientException(ChainClientException.Kind.HTTP, "subscribe", 0, "not JSON: " + text, e));
      return;
    }
    JsonObject error = msg.getJsonObject("error");
    if (error != null) {
      // e.g. "subscription was cancelled (reason: slow client)": start over.
      WebSocket ws = socket;
      socket = null;
      errorHandler.handle(new ChainClientException(ChainClientException.Kind.RPC, "subscribe", error.getInteger("code", 0),
          error.getString("message", "") + " " + error.getValue("data", ""), null));
      if (ws != null) {
        ws.close(); // the close handler reconnects
      }
      return;
    }
    JsonObject result = msg.getJsonObject("result");
    if (result == null || result.getJsonObject("data") == null) {
      return; // the empty acknowledgement of the subscribe call
    }
    JsonObject data = result.getJsonObject("data");
    Map<String, List<String>> events = new TreeMap<>();
    JsonObject ev = result.getJsonObject("events", new JsonObject());
    for (String k : ev.fieldNames()) {
      List<String> values = new ArrayList<>();
      Object v = ev.getValue(k);
      if (v instanceof JsonArray a) {
        a.forEach(x -> values.add(String.valueOf(x)));
      } else if (v != null) {
        values.add(String.valueOf(v));
      }
      events.put(k, values);
    }
    handler.handle(new ChainEvent(result.getString("query", query), data.getString("type", ""),
        data.getJsonObject("value", new JsonObject()), events));
  }

  /** Stops receiving and closes the websocket. */
  @Override
  public void close() {
    closed = true;
    WebSocket ws = socket;
    socket = null;
    Future<Void> f = ws == null ? Future.succeededFuture() : ws.close();
    f.onComplete(v -> client.close());
  }
}
