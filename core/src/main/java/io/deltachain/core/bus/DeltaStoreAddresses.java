package io.deltachain.core.bus;

/**
 * Event-bus addresses of the delta store's API. Services may override any of them through
 * configuration (see {@link BusAddresses#resolve}).
 */
public final class DeltaStoreAddresses {
  /** Request {@link StatRequest}, reply {@link StatReply}; fails with 404 when the store has no such content. */
  public static final String STAT = "delta-store.stat";
  /** Request {@link StatRequest}, reply {@link Boolean}: whether the store holds the content. */
  public static final String EXISTS = "delta-store.exists";
  /** Published {@link DeltaStored} after a file is stored and verified against its hash. */
  public static final String DELTA_STORED = "delta-store.delta.stored";

  private DeltaStoreAddresses() {}
}
