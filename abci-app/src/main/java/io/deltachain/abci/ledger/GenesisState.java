package io.deltachain.abci.ledger;

import io.deltachain.core.crypto.NodeKey;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ledger's part of {@code genesis.json}: the {@code app_state} object, which CometBFT hands
 * to InitChain as bytes.
 *
 * <pre>{@code
 * "app_state": {
 *   "coordinators": ["<20-byte address, hex>", ...],
 *   "validator_allowlist": {"<address hex>": <max voting power>, ...},
 *   "params": { see LedgerParams }
 * }
 * }</pre>
 *
 * Every field is optional; an empty or absent {@code app_state} means defaults, no
 * coordinators and no validator registrations beyond the genesis validators.
 *
 * @param coordinators uppercase hex addresses allowed to register as COORDINATOR
 * @param validatorAllowlist uppercase hex address to the largest power it may request
 * @param params the ledger parameters
 */
public record GenesisState(TreeSet<String> coordinators, TreeMap<String, Long> validatorAllowlist, LedgerParams params) {

  /** Parses {@code app_state} bytes; throws {@link IllegalArgumentException} naming the bad field. */
  public static GenesisState parse(byte[] appState) {
    String text = new String(appState, StandardCharsets.UTF_8).trim();
    if (text.isEmpty() || text.equals("null") || text.equals("\"\"")) {
      return new GenesisState(new TreeSet<>(), new TreeMap<>(), LedgerParams.DEFAULTS);
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("genesis app_state is not a JSON object: " + e.getMessage(), e);
    }
    TreeSet<String> coordinators = new TreeSet<>();
    JsonArray cs = json.getJsonArray("coordinators", new JsonArray());
    for (int i = 0; i < cs.size(); i++) {
      coordinators.add(address("coordinators[" + i + "]", cs.getValue(i)));
    }
    TreeMap<String, Long> allow = new TreeMap<>();
    JsonObject va = json.getJsonObject("validator_allowlist", new JsonObject());
    for (Map.Entry<String, Object> e : va) {
      if (!(e.getValue() instanceof Number n) || n.longValue() <= 0 || e.getValue() instanceof Double) {
        throw new IllegalArgumentException("validator_allowlist[" + e.getKey() + "] must be a positive integer power");
      }
      allow.put(address("validator_allowlist key", e.getKey()), n.longValue());
    }
    return new GenesisState(coordinators, allow, LedgerParams.fromJson(json.getJsonObject("params")));
  }

  private static String address(String field, Object v) {
    if (!(v instanceof String s) || s.length() != 2 * NodeKey.ADDRESS_LENGTH) {
      throw new IllegalArgumentException(field + " must be a 40-character hex address, got " + v);
    }
    try {
      return HexFormat.of().withUpperCase().formatHex(HexFormat.of().parseHex(s.toLowerCase()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " '" + s + "' is not hex", e);
    }
  }

  /** As the JSON that goes into {@code genesis.json}'s {@code app_state}. */
  public JsonObject toJson() {
    JsonObject allow = new JsonObject();
    validatorAllowlist.forEach(allow::put);
    return new JsonObject()
        .put("coordinators", new JsonArray(coordinators.stream().map(Object.class::cast).toList()))
        .put("validator_allowlist", allow)
        .put("params", params.toJson());
  }

  /** Writes the genesis entries into fresh state. */
  void writeTo(Ledger l) {
    l.putParams(params);
    for (String c : coordinators) {
      l.kv.put(Keys.coordinatorAllow(Keys.HEX_UPPER.parseHex(c)), new byte[] {1});
    }
    validatorAllowlist.forEach((a, p) ->
        l.kv.put(Keys.validatorAllow(Keys.HEX_UPPER.parseHex(a)), new Canon.Writer(1).i64(p).toBytes()));
  }
}
