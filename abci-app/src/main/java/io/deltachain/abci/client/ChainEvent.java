package io.deltachain.abci.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One event pushed by a CometBFT websocket subscription.
 *
 * @param query the subscription query that matched
 * @param type the event's type tag, e.g. {@code tendermint/event/Tx} or {@code tendermint/event/NewBlock}
 * @param value the event payload ({@code data.value})
 * @param events the flattened indexed events, e.g. {@code tx.hash -> [..]}, {@code delta.status -> [..]}
 */
public record ChainEvent(String query, String type, JsonObject value, Map<String, List<String>> events) {
  /** The first value of an indexed event attribute ({@code type.key}), or null. */
  public String first(String compositeKey) {
    List<String> v = events.get(compositeKey);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** For Tx events: the block height. */
  public long txHeight() {
    JsonObject r = value.getJsonObject("TxResult");
    return r == null ? -1 : Long.parseLong(String.valueOf(r.getValue("height")));
  }

  /** For Tx events: the transaction's ABCI result code. */
  public int txCode() {
    JsonObject r = value.getJsonObject("TxResult");
    if (r == null || r.getJsonObject("result") == null) {
      return -1;
    }
    Object c = r.getJsonObject("result").getValue("code");
    return c == null ? 0 : Integer.parseInt(String.valueOf(c));
  }

  /** For NewBlock events: the block height. */
  public long blockHeight() {
    JsonObject header = value.getJsonObject("block", new JsonObject()).getJsonObject("header", new JsonObject());
    Object h = header.getValue("height");
    return h == null ? -1 : Long.parseLong(String.valueOf(h));
  }

  /** For NewBlock events: the block's transactions, base64. */
  public JsonArray blockTxs() {
    JsonObject data = value.getJsonObject("block", new JsonObject()).getJsonObject("data", new JsonObject());
    JsonArray txs = data.getJsonArray("txs");
    return txs == null ? new JsonArray() : txs;
  }
}
