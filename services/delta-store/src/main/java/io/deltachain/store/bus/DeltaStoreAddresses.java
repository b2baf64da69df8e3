package io.deltachain.store.bus;

/**
 * Event-bus addresses of the delta store. Requests and replies are small JSON objects; bytes
 * never travel on the bus. Failures come back as {@code ReplyFailure.RECIPIENT_FAILURE} with
 * the code of an {@link io.deltachain.store.StoreError} ({@code StoreError.fromBusCode}).
 */
public record DeltaStoreAddresses(String prefix) {
  /** The default prefix. */
  public static final String DEFAULT_PREFIX = "delta-store";
  /** The default addresses. */
  public static final DeltaStoreAddresses DEFAULT = new DeltaStoreAddresses(DEFAULT_PREFIX);

  /** {@code {"hash"}} to {@code {"hash","size","cid"?,"pinned"}}. */
  public String stat() {
    return prefix + ".stat";
  }

  /** {@code {"hash"}} to {@code {"hash","exists"}}. */
  public String exists() {
    return prefix + ".exists";
  }

  /** {@code {"hash"}} to {@code {"hash","pinned":true}}. */
  public String pin() {
    return prefix + ".pin";
  }

  /** {@code {"hash"}} to {@code {"hash","pinned":false}}. */
  public String unpin() {
    return prefix + ".unpin";
  }

  /** {@code {}} runs one garbage-collection pass, answering its report. */
  public String gcRun() {
    return prefix + ".gc.run";
  }
}
