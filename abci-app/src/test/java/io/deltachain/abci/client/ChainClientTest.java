package io.deltachain.abci.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client's JSON conventions and error classification against a stub JSON-RPC server. */
@ExtendWith(VertxExtension.class)
class ChainClientTest {
  private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private ChainClient client;

  private static JsonObject answer(JsonObject req) {
    JsonObject base = new JsonObject().put("jsonrpc", "2.0").put("id", req.getValue("id"));
    JsonObject p = req.getJsonObject("params");
    return switch (req.getString("method")) {
      case "broadcast_tx_sync" -> new String(Base64.getDecoder().decode(p.getString("tx"))).equals("dup")
          ? base.put("error", new JsonObject().put("code", -32603).put("message", "Internal error").put("data", "tx already exists in cache"))
          : base.put("result", new JsonObject().put("code", 5).put("log", "nonce").put("codespace", "deltachain").put("hash", "AB"));
      case "abci_query" -> base.put("result", new JsonObject().put("response", new JsonObject().put("code", 0)
          .put("value", Base64.getEncoder().encodeToString(("{\"path\":\"" + p.getString("path") + "\",\"data\":\""
              + p.getString("data") + "\"}").getBytes())).put("height", "42")));
      case "status" -> base.put("result", new JsonObject().put("node_info", new JsonObject().put("id", "n1").put("network", "c"))
          .put("sync_info", new JsonObject().put("latest_block_height", "9000000000").put("latest_app_hash", "AA")
              .put("catching_up", false)));
      default -> base.put("error", new JsonObject().put("code", -32601).put("message", "Method not found"));
    };
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String text = body.toString();
      if (text.trim().startsWith("[")) {
        JsonArray out = new JsonArray();
        new JsonArray(text).forEach(o -> {
          requests.add((JsonObject) o);
          out.add(answer((JsonObject) o));
        });
        // Answer in reverse order: the client must match answers to requests by id.
        List<Object> reversed = new ArrayList<>(out.getList());
        java.util.Collections.reverse(reversed);
        req.response().end(new JsonArray(reversed).encode());
      } else if (text.contains("teapot")) {
        req.response().setStatusCode(418).end("<html>no</html>");
      } else {
        JsonObject o = new JsonObject(text);
        requests.add(o);
        req.response().end(answer(o).encode());
      }
    }));
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client = new ChainClient(vertx, "tcp://127.0.0.1:" + server.actualPort());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ChainClientException failure(io.vertx.core.Future<?> f) {
    try {
      get(f);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ChainClientException.class);
      return (ChainClientException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  @DisplayName("transactions go out as base64, query data as hex, and 64-bit integers come back from strings")
  void conventions() throws Exception {
    ChainClient.BroadcastResult r = get(client.broadcastTxSync(new byte[] {1, 2, 3}));
    assertThat(requests.get(0).getJsonObject("params").getString("tx")).isEqualTo("AQID");
    assertThat(r.code()).isEqualTo(5);
    assertThat(r.codespace()).isEqualTo("deltachain");
    ChainClient.QueryResult q = get(client.abciQuery("/round/r1", new byte[] {(byte) 0xab, 0x01}));
    assertThat(q.height()).isEqualTo(42);
    assertThat(q.json().getString("data")).isEqualTo("ab01");
    assertThat(get(client.status()).latestHeight()).isEqualTo(9_000_000_000L);
  }

  @Test
  @DisplayName("a JSON-RPC error, a non-JSON HTTP answer and a dead node each fail with their own kind")
  void errorKinds(Vertx vertx) {
    ChainClientException rpc = failure(client.broadcastTxSync("dup".getBytes()));
    assertThat(rpc.kind()).isEqualTo(ChainClientException.Kind.RPC);
    assertThat(rpc.code()).isEqualTo(-32603);
    assertThat(rpc.getMessage()).contains("tx already exists in cache");

    ChainClientException http = failure(client.call("teapot", new JsonObject()));
    assertThat(http.kind()).isEqualTo(ChainClientException.Kind.HTTP);
    assertThat(http.code()).isEqualTo(418);

    ChainClient dead = new ChainClient(vertx, "http://127.0.0.1:1");
    ChainClientException transport = failure(dead.status());
    assertThat(transport.kind()).isEqualTo(ChainClientException.Kind.TRANSPORT);
    assertThat(transport.getMessage()).contains("cannot reach");
    dead.close();
  }

  @Test
  @DisplayName("a batch is split at maxBatch, sent in order, and answers are matched to requests by id")
  void batches() throws Exception {
    List<byte[]> txs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      txs.add(("tx" + i).getBytes());
    }
    txs.set(4, "dup".getBytes());
    client.maxBatch(3);
    ChainClientException e = failure(client.broadcastTxSyncBatch(txs));
    assertThat(e.kind()).isEqualTo(ChainClientException.Kind.RPC);
    txs.set(4, "ok".getBytes());
    requests.clear();
    List<ChainClient.BroadcastResult> rs = get(client.broadcastTxSyncBatch(txs));
    assertThat(rs).hasSize(7).allSatisfy(r -> assertThat(r.code()).isEqualTo(5));
    assertThat(requests).extracting(r -> new String(Base64.getDecoder().decode(r.getJsonObject("params").getString("tx"))))
        .containsExactly("tx0", "tx1", "tx2", "tx3", "ok", "tx5", "tx6");
  }
}
