package io.deltachain.store.bus;

import io.deltachain.core.bus.BusAddresses;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus addresses the delta store serves and publishes on. The shared contract
 * ({@link io.deltachain.core.bus.DeltaStoreAddresses}: stat, exists, delta stored) lives in core;
 * pin, unpin and gc.run are this service's own. Every address can be overridden through the
 * {@code "addresses"} map of the configuration ({@link BusAddresses#resolve}). Requests and
 * replies are small JSON; bytes never travel on the bus. Failures are
 * {@code ReplyFailure.RECIPIENT_FAILURE} with {@link io.deltachain.store.StoreError#busCode()}.
 *
 * @param stat request {@code StatRequest}, reply {@code StatReply} (core.bus)
 * @param exists request {@code StatRequest}, reply {@link Boolean}
 * @param stored where {@code DeltaStored} (core.bus) is published after each upload
 * @param pin request {@code {"hash"}}, reply {@code {"hash","pinned":true}}
 * @param unpin request {@code {"hash"}}, reply {@code {"hash","pinned":false}}
 * @param gcRun request {@code {}}, reply the report of one garbage-collection pass
 */
public record DeltaStoreAddresses(String stat, String exists, String stored, String pin, String unpin, String gcRun) {
  /** Default of {@link #pin()}. */
  public static final String PIN = "delta-store.pin";
  /** Default of {@link #unpin()}. */
  public static final String UNPIN = "delta-store.unpin";
  /** Default of {@link #gcRun()}. */
  public static final String GC_RUN = "delta-store.gc.run";

  /** The default addresses. */
  public static final DeltaStoreAddresses DEFAULT = fromConfig(new JsonObject());

  /** The addresses with the overrides of {@code config.addresses} applied. */
  public static DeltaStoreAddresses fromConfig(JsonObject config) {
    return new DeltaStoreAddresses(
        BusAddresses.resolve(config, io.deltachain.core.bus.DeltaStoreAddresses.STAT),
        BusAddresses.resolve(config, io.deltachain.core.bus.DeltaStoreAddresses.EXISTS),
        BusAddresses.resolve(config, io.deltachain.core.bus.DeltaStoreAddresses.DELTA_STORED),
        BusAddresses.resolve(config, PIN),
        BusAddresses.resolve(config, UNPIN),
        BusAddresses.resolve(config, GC_RUN));
  }
}
