package io.deltachain.store.ipfs;

import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;

/** An error answered by kubo's RPC API, with kubo's own message. */
public final class KuboException extends StoreException {
  private final int httpStatus;
  private final String kuboMessage;

  public KuboException(String command, int httpStatus, String kuboMessage) {
    super(StoreError.BACKEND_UNAVAILABLE, "kubo " + command + " failed (HTTP " + httpStatus + "): " + kuboMessage);
    this.httpStatus = httpStatus;
    this.kuboMessage = kuboMessage;
  }

  /** kubo's HTTP status. */
  public int httpStatus() {
    return httpStatus;
  }

  /** kubo's message. */
  public String kuboMessage() {
    return kuboMessage;
  }
}
