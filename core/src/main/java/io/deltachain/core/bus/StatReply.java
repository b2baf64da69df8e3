package io.deltachain.core.bus;

import io.deltachain.core.content.Cid;
import io.deltachain.core.content.ContentHash;
import io.vertx.core.json.JsonObject;

/**
 * The delta store's answer to {@link StatRequest} for content it holds.
 *
 * @param hash the content hash asked about
 * @param sizeBytes the file size
 * @param cid the IPFS CID when the file is also in IPFS, else null
 * @param backend where the store keeps it: {@code "local"} or {@code "ipfs"}
 */
public record StatReply(ContentHash hash, long sizeBytes, Cid cid, String backend) implements BusMessage {
  private static final String MSG = "StatReply";

  /** Checks the fields. */
  public StatReply {
    BusJson.requireField(hash, MSG, "hash");
    BusJson.requireNonNegative(sizeBytes, MSG, "sizeBytes");
    BusJson.requireNonBlank(backend, MSG, "backend");
  }

  @Override
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("hash", hash.hex()).put("sizeBytes", sizeBytes).put("backend", backend);
    if (cid != null) {
      o.put("cid", cid.toString());
    }
    return o;
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static StatReply fromJson(JsonObject o) {
    return new StatReply(BusJson.hash(o, MSG, "hash"), BusJson.longValue(o, MSG, "sizeBytes"),
        BusJson.optCid(o, MSG, "cid"), BusJson.string(o, MSG, "backend"));
  }
}
