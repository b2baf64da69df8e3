package io.deltachain.core.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Published on {@link RoundAddresses#ROUND_STARTED} once the chain has committed a round's
 * {@code StartRound}. The chain stays the source of truth; this is a wake-up call.
 *
 * @param roundId the round
 * @param modelId the model it trains
 * @param height the block height that committed it
 * @param layers the layers the round trains
 */
public record RoundStarted(String roundId, String modelId, long height, List<String> layers) implements BusMessage {
  private static final String MSG = "RoundStarted";

  /** Checks the fields and freezes the list. */
  public RoundStarted {
    BusJson.requireNonBlank(roundId, MSG, "roundId");
    BusJson.requireNonBlank(modelId, MSG, "modelId");
    BusJson.requireNonNegative(height, MSG, "height");
    layers = List.copyOf(BusJson.requireField(layers, MSG, "layers"));
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("roundId", roundId).put("modelId", modelId).put("height", height)
        .put("layers", new JsonArray(new java.util.ArrayList<>(layers)));
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static RoundStarted fromJson(JsonObject o) {
    return new RoundStarted(BusJson.string(o, MSG, "roundId"), BusJson.string(o, MSG, "modelId"),
        BusJson.longValue(o, MSG, "height"), BusJson.strings(o, MSG, "layers"));
  }
}
