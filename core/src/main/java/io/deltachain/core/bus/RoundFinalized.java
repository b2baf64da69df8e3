package io.deltachain.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * Published on {@link RoundAddresses#ROUND_FINALIZED} once the chain has committed a round's
 * {@code FinalizeRound}.
 *
 * @param roundId the round
 * @param height the block height that committed it
 * @param reason the reason recorded on chain (may be empty)
 */
public record RoundFinalized(String roundId, long height, String reason) implements BusMessage {
  private static final String MSG = "RoundFinalized";

  /** Checks the fields. */
  public RoundFinalized {
    BusJson.requireNonBlank(roundId, MSG, "roundId");
    BusJson.requireNonNegative(height, MSG, "height");
    BusJson.requireField(reason, MSG, "reason");
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("roundId", roundId).put("height", height).put("reason", reason);
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static RoundFinalized fromJson(JsonObject o) {
    return new RoundFinalized(BusJson.string(o, MSG, "roundId"), BusJson.longValue(o, MSG, "height"), BusJson.string(o, MSG, "reason"));
  }
}
