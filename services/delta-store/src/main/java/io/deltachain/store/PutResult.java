package io.deltachain.store;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.json.JsonObject;

/**
 * What a store reports after storing content.
 *
 * @param hash SHA-256 of the bytes
 * @param size number of bytes
 * @param cid the IPFS CID when an IPFS store holds the content, else null
 */
public record PutResult(ContentHash hash, long size, String cid) {
  /** JSON as the HTTP API answers it. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("hash", hash.hex()).put("size", size);
    if (cid != null) {
      j.put("cid", cid);
    }
    return j;
  }

  /** This result with a CID (keeps an existing one when {@code cid} is null). */
  public PutResult withCid(String newCid) {
    return newCid == null ? this : new PutResult(hash, size, newCid);
  }
}
