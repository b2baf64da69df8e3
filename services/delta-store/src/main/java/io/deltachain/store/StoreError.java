package io.deltachain.store;

/**
 * Every way a delta-store operation can fail, with the HTTP status, the event-bus failure
 * code and the stable machine-readable name ({@code "error"} field of JSON bodies) it maps to.
 * One enum for the whole service, so that HTTP, gRPC and event-bus callers see the same cases.
 */
public enum StoreError {
  /** Malformed request: bad hash syntax, bad parameter. */
  BAD_REQUEST(400, "bad_request"),
  /** The uploaded bytes do not hash to the declared hash; nothing was stored. */
  HASH_MISMATCH(400, "hash_mismatch"),
  /** No content with that hash in this store. */
  NOT_FOUND(404, "not_found"),
  /** The upload is larger than the configured limit; nothing was stored. */
  TOO_LARGE(413, "too_large"),
  /** The requested byte range is malformed or outside the content. */
  RANGE_NOT_SATISFIABLE(416, "range_not_satisfiable"),
  /** The upload ended before all its bytes arrived (client disconnected); nothing was stored. */
  INCOMPLETE_UPLOAD(400, "incomplete_upload"),
  /** Not enough disk space for the content; nothing was stored. */
  INSUFFICIENT_STORAGE(507, "insufficient_storage"),
  /** The stored bytes no longer match their hash; they were not served and were quarantined. */
  CORRUPT_CONTENT(500, "corrupt_content"),
  /** A remote backend (kubo) failed or could not be reached. */
  BACKEND_UNAVAILABLE(502, "backend_unavailable"),
  /** The operation is not supported by this backend. */
  UNSUPPORTED(501, "unsupported"),
  /** Anything else. */
  INTERNAL(500, "internal");

  private final int httpStatus;
  private final String wireName;

  StoreError(int httpStatus, String wireName) {
    this.httpStatus = httpStatus;
    this.wireName = wireName;
  }

  /** The HTTP status code the HTTP API answers with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The {@code "error"} value in JSON error bodies. */
  public String wireName() {
    return wireName;
  }

  /**
   * The failure code used with {@code Message.fail} on the event bus: the HTTP status, as the
   * shared contract in core ({@code core.bus.DeltaStoreAddresses}) states (404 for unknown content).
   */
  public int busCode() {
    return httpStatus;
  }

  /** The error for an event-bus failure code (the generic one where several share a status). */
  public static StoreError fromBusCode(int code) {
    return switch (code) {
      case 400 -> BAD_REQUEST;
      case 500 -> INTERNAL;
      default -> {
        for (StoreError e : values()) {
          if (e.httpStatus == code) {
            yield e;
          }
        }
        yield INTERNAL;
      }
    };
  }

  /** The error for a wire name, or {@link #INTERNAL} for an unknown one. */
  public static StoreError fromWireName(String name) {
    for (StoreError e : values()) {
      if (e.wireName.equals(name)) {
        return e;
      }
    }
    return INTERNAL;
  }
}
