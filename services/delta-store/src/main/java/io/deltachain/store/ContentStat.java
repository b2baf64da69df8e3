package io.deltachain.store;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.json.JsonObject;

/**
 * Metadata of stored content.
 *
 * @param hash SHA-256 of the bytes
 * @param size number of bytes
 * @param cid IPFS CID, or null when no IPFS store holds it
 * @param pinned whether the content is pinned (protected from garbage collection)
 */
public record ContentStat(ContentHash hash, long size, String cid, boolean pinned) {
  /** JSON as the HTTP API and the event bus answer it. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("hash", hash.hex()).put("size", size).put("pinned", pinned);
    if (cid != null) {
      j.put("cid", cid);
    }
    return j;
  }

  /** Parses {@link #toJson()}. */
  public static ContentStat fromJson(JsonObject j) {
    return new ContentStat(ContentHash.parse(j.getString("hash")), j.getLong("size"), j.getString("cid"),
        j.getBoolean("pinned", false));
  }
}
