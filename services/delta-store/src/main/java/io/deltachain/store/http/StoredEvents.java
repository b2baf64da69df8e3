package io.deltachain.store.http;

import io.deltachain.core.bus.DeltaStored;
import io.deltachain.core.content.Cid;
import io.deltachain.store.PutResult;
import io.vertx.core.Vertx;

/** Announces stored content on the event bus as core's {@link DeltaStored}. */
public final class StoredEvents {
  private StoredEvents() {}

  /** Publishes {@code DeltaStored} for an upload (nothing when {@code address} is null). */
  public static void publish(Vertx vertx, String address, PutResult r) {
    if (address != null) {
      vertx.eventBus().publish(address,
          new DeltaStored(r.hash(), r.size(), r.cid() == null ? null : Cid.parse(r.cid())).toJson());
    }
  }
}
