package io.deltachain.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * A message record that travels the event bus as JSON. Implementations are immutable records
 * with a static {@code fromJson(JsonObject)} and are registered in {@link Codecs}.
 */
public interface BusMessage {
  /** The JSON form sent on the wire. */
  JsonObject toJson();
}
