package io.deltachain.core.bus;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Published on {@link ValidatorAddresses#VERDICT_PUBLISHED} once a validator's verdict on a
 * delta is committed.
 *
 * @param deltaId the delta: SHA-256 of its {@code SubmitDelta} transaction
 * @param validatorAddress the validator (40 uppercase hex characters)
 * @param approve whether it approves
 * @param scoreMicro the score x 1e6 (fixed point, as on chain)
 * @param reasonCodes the proof-of-learning reason codes
 * @param height the block height that committed it
 */
public record VerdictPublished(
    ContentHash deltaId, String validatorAddress, boolean approve, long scoreMicro, List<String> reasonCodes, long height)
    implements BusMessage {
  private static final String MSG = "VerdictPublished";

  /** Checks the fields and freezes the list. */
  public VerdictPublished {
    BusJson.requireField(deltaId, MSG, "deltaId");
    BusJson.requireAddress(validatorAddress, MSG, "validatorAddress");
    reasonCodes = List.copyOf(BusJson.requireField(reasonCodes, MSG, "reasonCodes"));
    BusJson.requireNonNegative(height, MSG, "height");
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("deltaId", deltaId.hex())
        .put("validatorAddress", validatorAddress)
        .put("approve", approve)
        .put("scoreMicro", scoreMicro)
        .put("reasonCodes", new JsonArray(new java.util.ArrayList<>(reasonCodes)))
        .put("height", height);
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static VerdictPublished fromJson(JsonObject o) {
    return new VerdictPublished(
        BusJson.hash(o, MSG, "deltaId"),
        BusJson.string(o, MSG, "validatorAddress"),
        BusJson.bool(o, MSG, "approve"),
        BusJson.longValue(o, MSG, "scoreMicro"),
        BusJson.strings(o, MSG, "reasonCodes"),
        BusJson.longValue(o, MSG, "height"));
  }
}
