package io.deltachain.core.bus;

import io.deltachain.core.content.Cid;
import io.deltachain.core.content.ContentHash;
import io.vertx.core.json.JsonObject;

/**
 * Published by the delta store ({@link DeltaStoreAddresses#DELTA_STORED}) once a file is stored
 * and its bytes verified against its hash.
 *
 * @param hash the content hash
 * @param sizeBytes the file size
 * @param cid the IPFS CID when the file was also added to IPFS, else null
 */
public record DeltaStored(ContentHash hash, long sizeBytes, Cid cid) implements BusMessage {
  private static final String MSG = "DeltaStored";

  /** Checks the fields. */
  public DeltaStored {
    BusJson.requireField(hash, MSG, "hash");
    BusJson.requireNonNegative(sizeBytes, MSG, "sizeBytes");
  }

  @Override
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("hash", hash.hex()).put("sizeBytes", sizeBytes);
    if (cid != null) {
      o.put("cid", cid.toString());
    }
    return o;
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static DeltaStored fromJson(JsonObject o) {
    return new DeltaStored(BusJson.hash(o, MSG, "hash"), BusJson.longValue(o, MSG, "sizeBytes"), BusJson.optCid(o, MSG, "cid"));
  }
}
