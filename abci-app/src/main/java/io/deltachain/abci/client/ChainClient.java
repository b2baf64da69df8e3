package io.deltachain.abci.client;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of one CometBFT node's JSON-RPC (HTTP POST, JSON-RPC 2.0) and websocket event
 * stream, for the deltachain services.
 *
 * <p>CometBFT's JSON conventions are applied here once: 64-bit integers travel as strings,
 * transaction bytes as base64, {@code abci_query} data as hex, hashes come back as uppercase
 * hex. Every failure is a {@link ChainClientException} saying whether the connection, the
 * RPC server or the application refused.
 */
public final class ChainClient implements AutoCloseable {
  private static final HexFormat HEX = HexFormat.of();

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final WebClient web;
  private final long timeoutMs;
  private final AtomicLong ids = new AtomicLong();
  private volatile int maxBatch = DEFAULT_MAX_BATCH;

  /**
   * Requests per JSON-RPC batch: deltachain nodes set {@code rpc.max_request_batch_size = 200};
   * against a node with CometBFT's default of 10, call {@link #maxBatch(int)} with 10.
   */
  public static final int DEFAULT_MAX_BATCH = 200;

  /** Result of CheckTx as returned by {@code broadcast_tx_sync}. */
  public record BroadcastResult(int code, String log, String codespace, String hash) {
    public boolean ok() {
      return code == 0;
    }
  }

  /** Result of {@code broadcast_tx_commit}: CheckTx, then the executed result in block {@code height}. */
  public record CommitResult(BroadcastResult checkTx, int txCode, String txLog, byte[] txData, JsonArray txEvents,
      long height, String hash) {
    /** True when CheckTx and execution both returned code 0. */
    public boolean ok() {
      return checkTx.ok() && txCode == 0;
    }
  }

  /** An {@code abci_query} answer. */
  public record QueryResult(int code, String log, byte[] value, long height) {
    /** The value as JSON (deltachain ledger queries answer JSON). */
    public JsonObject json() {
      return new JsonObject(new String(value, StandardCharsets.UTF_8));
    }
  }

  /** The node's {@code status}. */
  public record Status(String nodeId, String network, long latestHeight, String latestAppHash, boolean catchingUp,
      String latestBlockTime) {}

  /** The app's {@code abci_info}. */
  public record AbciInfo(long lastBlockHeight, byte[] lastBlockAppHash, String version, long appVersion) {}

  /**
   * @param rpcUrl e.g. {@code http://127.0.0.1:26657} or {@code tcp://127.0.0.1:26657} (as in config.toml)
   */
  public ChainClient(Vertx vertx, String rpcUrl) {
    this(vertx, rpcUrl, 15_000);
  }

  /** As above with a per-request timeout in milliseconds. */
  public ChainClient(Vertx vertx, String rpcUrl, long timeoutMs) {
    URI uri = URI.create(rpcUrl.replaceFirst("^tcp://", "http://"));
    if (uri.getHost() == null || uri.getPort() <= 0) {
      throw new IllegalArgumentException("RPC address '" + rpcUrl + "' must look like http://host:port");
    }
    this.vertx = vertx;
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.timeoutMs = timeoutMs;
    this.web = WebClient.create(vertx, new WebClientOptions().setDefaultHost(host).setDefaultPort(port)
        .setKeepAlive(true).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(16));
  }

  /** The RPC host. */
  public String host() {
    return host;
  }

  /** The RPC port. */
  public int port() {
    return port;
  }

  // ---------------------------------------------------------------- generic JSON-RPC

  /** Calls one JSON-RPC method and returns its {@code result}. */
  public Future<JsonObject> call(String method, JsonObject params) {
    JsonObject req = request(method, params);
    return web.post(port, host, "/").timeout(timeoutMs).putHeader("Content-Type", "application/json")
        .sendBuffer(req.toBuffer())
        .recover(t -> Future.failedFuture(transport(method, t)))
        .compose(resp -> Future.succeededFuture(result(method, parse(method, resp))));
  }

  private JsonObject request(String method, JsonObject params) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", method).put("params", params);
  }

  private static ChainClientException transport(String method, Throwable t) {
    return t instanceof ChainClientException c ? c
        : new ChainClientException(ChainClientException.Kind.TRANSPORT, method, 0,
            "cannot reach the CometBFT RPC: " + t.getMessage(), t);
  }

  private static Object parse(String method, HttpResponse<Buffer> resp) {
    Buffer body = resp.body();
    String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
    try {
      String trimmed = text.trim();
      Object json = trimmed.startsWith("[") ? new JsonArray(trimmed) : new JsonObject(trimmed);
      if (resp.statusCode() != 200 && json instanceof JsonObject o && o.getJsonObject("error") == null) {
        throw new ChainClientException(ChainClientException.Kind.HTTP, method, resp.statusCode(),
            "HTTP " + resp.statusCode() + ": " + abbreviate(text), null);
      }
      return json;
    } catch (DecodeException | ClassCastException e) {
      throw new ChainClientException(ChainClientException.Kind.HTTP, method, resp.statusCode(),
          "HTTP " + resp.statusCode() + " with a body that is not JSON-RPC: " + abbreviate(text), e);
    }
  }

  private static JsonObject result(String method, Object json) {
    if (!(json instanceof JsonObject o)) {
      throw new ChainClientException(ChainClientException.Kind.HTTP, method, 0, "expected a JSON-RPC object, got an array", null);
    }
    JsonObject error = o.getJsonObject("error");
    if (error != null) {
      String data = error.getValue("data") == null ? "" : String.valueOf(error.getValue("data"));
      throw new ChainClientException(ChainClientException.Kind.RPC, method, error.getInteger("code", 0),
          error.getString("message", "error") + (data.isEmpty() ? "" : ": " + data), null);
    }
    JsonObject result = o.getJsonObject("result");
    if (result == null) {
      throw new ChainClientException(ChainClientException.Kind.HTTP, method, 0, "JSON-RPC answer without result: " + abbreviate(o.encode()), null);
    }
    return result;
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 297) + "...";
  }

  // ---------------------------------------------------------------- broadcast

  private static JsonObject txParams(byte[] tx) {
    return new JsonObject().put("tx", Base64.getEncoder().encodeToString(tx));
  }

  private static BroadcastResult broadcastResult(JsonObject r) {
    return new BroadcastResult(intOf(r.getValue("code")), r.getString("log", ""), r.getString("codespace", ""),
        r.getString("hash", ""));
  }

  /** {@code broadcast_tx_sync}: the CheckTx result; a non-zero code is returned, not thrown. */
  public Future<BroadcastResult> broadcastTxSync(byte[] tx) {
    return call("broadcast_tx_sync", txParams(tx)).map(ChainClient::broadcastResult);
  }

  /**
   * {@code broadcast_tx_async} for many transactions, in JSON-RPC batches sent one after
   * another: the node queues each for CheckTx in order and answers without waiting for it, so
   * a single signer can stream thousands of transactions per second in nonce order (a
   * {@code broadcast_tx_sync} stream waits for each CheckTx, which CometBFT flushes to the app
   * only every 20 ms). Returns the transaction hashes; watch for inclusion with
   * {@link #subscribe} or {@link #tx}. A transaction CheckTx refuses is simply never committed.
   */
  public Future<List<String>> broadcastTxAsyncBatch(List<byte[]> txs) {
    List<String> hashes = new ArrayList<>(txs.size());
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < txs.size(); from += maxBatch) {
      List<byte[]> chunk = txs.subList(from, Math.min(txs.size(), from + maxBatch));
      chain = chain.compose(v -> sendBatch("broadcast_tx_async", chunk).map(results -> {
        results.forEach(r -> hashes.add(r.getString("hash", "")));
        return null;
      }));
    }
    return chain.map(v -> hashes);
  }

  /** Sets the largest JSON-RPC batch this client sends (the node's {@code rpc.max_request_batch_size}). */
  public ChainClient maxBatch(int requests) {
    if (requests < 1) {
      throw new IllegalArgumentException("a batch holds at least one request");
    }
    this.maxBatch = requests;
    return this;
  }

  /**
   * Many {@code broadcast_tx_sync} calls in JSON-RPC batches of at most {@link #maxBatch(int)}
   * requests, sent one after another. CometBFT runs a batch's requests in order, so one
   * signer's nonces reach CheckTx in sequence. Each batch must stay under the node's
   * {@code rpc.max_body_bytes}.
   */
  public Future<List<BroadcastResult>> broadcastTxSyncBatch(List<byte[]> txs) {
    if (txs.size() <= maxBatch) {
      return broadcastOneBatch(txs);
    }
    List<BroadcastResult> all = new ArrayList<>(txs.size());
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < txs.size(); from += maxBatch) {
      List<byte[]> chunk = txs.subList(from, Math.min(txs.size(), from + maxBatch));
      chain = chain.compose(v -> broadcastOneBatch(chunk).map(r -> {
        all.addAll(r);
        return null;
      }));
    }
    return chain.map(v -> all);
  }

  private Future<List<BroadcastResult>> broadcastOneBatch(List<byte[]> txs) {
    return sendBatch("broadcast_tx_sync", txs).map(rs -> rs.stream().map(ChainClient::broadcastResult).toList());
  }

  /** One JSON-RPC batch of {@code method} calls, one per transaction; results in request order. */
  private Future<List<JsonObject>> sendBatch(String rpcMethod, List<byte[]> txs) {
    if (txs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    JsonArray batch = new JsonArray();
    for (byte[] tx : txs) {
      batch.add(request(rpcMethod, txParams(tx)));
    }
    String method = rpcMethod + " (batch of " + txs.size() + ")";
    return web.post(port, host, "/").timeout(timeoutMs).putHeader("Content-Type", "application/json")
        .sendBuffer(batch.toBuffer())
        .recover(t -> Future.failedFuture(transport(method, t)))
        .map(resp -> {
          Object json = parse(method, resp);
          if (!(json instanceof JsonArray arr)) {
            result(method, json); // throws with the server's error
            throw new ChainClientException(ChainClientException.Kind.HTTP, method, 0, "expected a batch answer", null);
          }
          // Answers may come in any order: match them to requests by id.
          long firstId = batch.getJsonObject(0).getLong("id");
          JsonObject[] out = new JsonObject[txs.size()];
          for (int i = 0; i < arr.size(); i++) {
            JsonObject o = arr.getJsonObject(i);
            int index = (int) (Long.parseLong(String.valueOf(o.getValue("id"))) - firstId);
            if (index < 0 || index >= out.length) {
              throw new ChainClientException(ChainClientException.Kind.HTTP, method, 0, "batch answer with unknown id " + o.getValue("id"), null);
            }
            out[index] = result(method, o);
          }
          for (JsonObject r : out) {
            if (r == null) {
              throw new ChainClientException(ChainClientException.Kind.HTTP, method, 0, "batch answer is missing entries", null);
            }
          }
          return List.of(out);
        });
  }

  /**
   * {@code broadcast_tx_commit}: waits until the transaction is in a committed block (or the
   * node's {@code timeout_broadcast_tx_commit}, an RPC error). Non-zero codes are returned.
   */
  public Future<CommitResult> broadcastTxCommit(byte[] tx) {
    return call("broadcast_tx_commit", txParams(tx)).map(r -> {
      JsonObject txr = r.getJsonObject("tx_result", r.getJsonObject("deliver_tx", new JsonObject()));
      String data = txr.getString("data");
      return new CommitResult(broadcastResult(r.getJsonObject("check_tx", new JsonObject()).put("hash", r.getString("hash", ""))),
          intOf(txr.getValue("code")), txr.getString("log", ""), data == null ? new byte[0] : Base64.getDecoder().decode(data),
          txr.getJsonArray("events", new JsonArray()), longOf(r.getValue("height")), r.getString("hash", ""));
    });
  }

  /** Like {@link #broadcastTxCommit} but fails with {@link ChainClientException.Kind#APP} on a non-zero code. */
  public Future<CommitResult> commitOrFail(byte[] tx) {
    return broadcastTxCommit(tx).map(r -> {
      if (!r.checkTx().ok()) {
        throw new ChainClientException(ChainClientException.Kind.APP, "broadcast_tx_commit", r.checkTx().code(),
            "CheckTx refused the transaction with code " + r.checkTx().code() + ": " + r.checkTx().log(), null);
      }
      if (r.txCode() != 0) {
        throw new ChainClientException(ChainClientException.Kind.APP, "broadcast_tx_commit", r.txCode(),
            "the transaction failed in block " + r.height() + " with code " + r.txCode() + ": " + r.txLog(), null);
      }
      return r;
    });
  }

  /** The SHA-256 transaction hash CometBFT uses, uppercase hex. */
  public static String txHash(byte[] tx) {
    return ContentHash.sha256(tx).hex().toUpperCase();
  }

  /** {@code tx}: a committed transaction's result by hash; fails with an RPC error while it is not committed. */
  public Future<JsonObject> tx(String hashHex) {
    return call("tx", new JsonObject().put("hash", Base64.getEncoder().encodeToString(HEX.parseHex(hashHex.toLowerCase())))
        .put("prove", false));
  }

  // ---------------------------------------------------------------- queries

  /** {@code abci_query} at the latest height; {@code data} travels as hex. */
  public Future<QueryResult> abciQuery(String path, byte[] data) {
    JsonObject params = new JsonObject().put("path", path).put("data", HEX.formatHex(data == null ? new byte[0] : data))
        .put("prove", false);
    return call("abci_query", params).map(r -> {
      JsonObject q = r.getJsonObject("response", new JsonObject());
      String value = q.getString("value");
      return new QueryResult(intOf(q.getValue("code")), q.getString("log", ""),
          value == null ? new byte[0] : Base64.getDecoder().decode(value), longOf(q.getValue("height")));
    });
  }

  /** A ledger query answering JSON; fails with {@link ChainClientException.Kind#APP} on a non-zero code. */
  public Future<JsonObject> queryJson(String path) {
    return abciQuery(path, null).map(q -> {
      if (q.code() != 0) {
        throw new ChainClientException(ChainClientException.Kind.APP, "abci_query " + path, q.code(), q.log(), null);
      }
      return q.json();
    });
  }

  /** The last nonce the ledger executed for an address (0 for a new key). */
  public Future<Long> lastNonce(byte[] address) {
    return queryJson("/nonce/" + HEX.formatHex(address)).map(j -> Long.parseUnsignedLong(j.getString("last_nonce")));
  }

  /** {@code status}. */
  public Future<Status> status() {
    return call("status", new JsonObject()).map(r -> {
      JsonObject node = r.getJsonObject("node_info", new JsonObject());
      JsonObject sync = r.getJsonObject("sync_info", new JsonObject());
      return new Status(node.getString("id", ""), node.getString("network", ""), longOf(sync.getValue("latest_block_height")),
          sync.getString("latest_app_hash", ""), Boolean.TRUE.equals(sync.getValue("catching_up")),
          sync.getString("latest_block_time", ""));
    });
  }

  /**
   * The app hash recorded in block {@code height}'s header: the app state after block
   * {@code height - 1}, as every validator agreed on it (uppercase hex).
   */
  public Future<String> headerAppHash(long height) {
    return call("block", new JsonObject().put("height", Long.toString(height)))
        .map(r -> r.getJsonObject("block").getJsonObject("header").getString("app_hash"));
  }

  /** {@code abci_info}: what the application reports it committed. */
  public Future<AbciInfo> abciInfo() {
    return call("abci_info", new JsonObject()).map(r -> {
      JsonObject i = r.getJsonObject("response", new JsonObject());
      String hash = i.getString("last_block_app_hash");
      return new AbciInfo(longOf(i.getValue("last_block_height")), hash == null ? new byte[0] : Base64.getDecoder().decode(hash),
          i.getString("version", ""), longOf(i.getValue("app_version")));
    });
  }

  // ---------------------------------------------------------------- events

  /**
   * Subscribes to events matching {@code query} (e.g. {@code tm.event='Tx' AND delta.status='ACCEPTED'})
   * over the node's websocket; reconnects and resubscribes with backoff when the connection
   * drops. Events missed while disconnected are not replayed: use {@code tx_search} or ledger
   * queries to catch up.
   */
  public EventSubscription subscribe(String query, Handler<ChainEvent> handler) {
    return EventSubscription.start(vertx, host, port, query, handler);
  }

  @Override
  public void close() {
    web.close();
  }

  static int intOf(Object v) {
    if (v == null) {
      return 0;
    }
    return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v));
  }

  static long longOf(Object v) {
    if (v == null) {
      return 0;
    }
    return v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v));
  }
}
