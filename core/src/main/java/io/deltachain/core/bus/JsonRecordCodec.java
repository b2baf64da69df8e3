package io.deltachain.core.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.function.Function;

/**
 * An event-bus codec for one immutable {@link BusMessage} record: JSON on the wire (a 4-byte
 * length, then the UTF-8 JSON), and the very same instance for local delivery, which is safe
 * because the records are immutable.
 *
 * @param <T> the record type
 */
public final class JsonRecordCodec<T extends BusMessage> implements MessageCodec<T, T> {
  private final Class<T> type;
  private final String name;
  private final Function<JsonObject, T> fromJson;

  /**
   * A codec named {@code deltachain.<SimpleName>}.
   *
   * @param type the record class (default codecs match the exact class)
   * @param fromJson the record's {@code fromJson}
   */
  public JsonRecordCodec(Class<T> type, Function<JsonObject, T> fromJson) {
    this.type = Objects.requireNonNull(type, "type");
    this.fromJson = Objects.requireNonNull(fromJson, "fromJson");
    this.name = "deltachain." + type.getSimpleName();
  }

  /** The record class this codec carries. */
  public Class<T> type() {
    return type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    Buffer json = message.toJson().toBuffer();
    buffer.appendInt(json.length());
    buffer.appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    int start = pos + 4;
    return fromJson.apply(new JsonObject(buffer.getBuffer(start, start + length)));
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
