package io.deltachain.abci.ledger;

import io.deltachain.abci.proto.Event;
import io.deltachain.abci.proto.EventAttribute;
import java.util.ArrayList;
import java.util.List;

/** What executing one transaction produced: events, result data and a log line. */
final class TxEffects {
  final List<Event> events = new ArrayList<>();
  byte[] data = new byte[0];
  String log = "";

  /** Adds an indexed event {@code type} with alternating key, value pairs. */
  TxEffects event(String type, String... keyValues) {
    events.add(event0(type, keyValues));
    return this;
  }

  static Event event0(String type, String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("event attributes come in key, value pairs");
    }
    Event.Builder e = Event.newBuilder().setType(type);
    for (int i = 0; i < keyValues.length; i += 2) {
      e.addAttributes(EventAttribute.newBuilder().setKey(keyValues[i]).setValue(keyValues[i + 1]).setIndex(true));
    }
    return e.build();
  }
}
