package io.deltachain.core.bus;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.json.JsonObject;

/**
 * Asks the delta store about one stored file ({@link DeltaStoreAddresses#STAT},
 * {@link DeltaStoreAddresses#EXISTS}).
 *
 * @param hash the SHA-256 content hash of the file
 */
public record StatRequest(ContentHash hash) implements BusMessage {
  private static final String MSG = "StatRequest";

  /** Checks the fields. */
  public StatRequest {
    BusJson.requireField(hash, MSG, "hash");
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("hash", hash.hex());
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static StatRequest fromJson(JsonObject o) {
    return new StatRequest(BusJson.hash(o, MSG, "hash"));
  }
}
