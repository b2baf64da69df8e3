package io.deltachain.store;

import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * A failed store operation: an {@link StoreError} plus a message naming what was wrong, and
 * optional details (e.g. both hashes of a mismatch) that the HTTP API adds to its JSON body.
 */
public class StoreException extends RuntimeException {
  private final StoreError error;
  private final JsonObject details;

  public StoreException(StoreError error, String message) {
    this(error, message, null, null);
  }

  public StoreException(StoreError error, String message, Throwable cause) {
    this(error, message, null, cause);
  }

  public StoreException(StoreError error, String message, JsonObject details, Throwable cause) {
    super(message, cause);
    this.error = error;
    this.details = details == null ? new JsonObject() : details.copy();
  }

  /** What kind of failure this is. */
  public StoreError error() {
    return error;
  }

  /** Extra fields for the JSON error body (a copy). */
  public JsonObject details() {
    return details.copy();
  }

  /** The JSON error body: {@code {"error": name, "message": text, ...details}}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("error", error.wireName()).put("message", getMessage());
    details.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }

  /** A declared hash that does not match the bytes. */
  public static StoreException hashMismatch(String declared, String actual) {
    return new StoreException(
        StoreError.HASH_MISMATCH,
        "declared sha256 " + declared + " but the uploaded bytes hash to " + actual + "; nothing was stored",
        new JsonObject().put("declaredHash", declared).put("actualHash", actual),
        null);
  }

  /** Content not in the store. */
  public static StoreException notFound(String hash) {
    return new StoreException(StoreError.NOT_FOUND, "no content with sha256 " + hash + " in this store",
        new JsonObject().put("hash", hash), null);
  }

  /**
   * Wraps any throwable as a StoreException, keeping an existing one and recognising
   * "no space left on device".
   */
  public static StoreException wrap(Throwable t, String doing) {
    if (t instanceof StoreException se) {
      return se;
    }
    if (isNoSpace(t)) {
      return new StoreException(StoreError.INSUFFICIENT_STORAGE,
          "no space left on the device while " + doing + "; nothing was stored", t);
    }
    return new StoreException(StoreError.INTERNAL, doing + " failed: " + t, t);
  }

  /** Whether a throwable (or one of its causes) is the operating system's ENOSPC. */
  public static boolean isNoSpace(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException && c.getMessage() != null && c.getMessage().contains("No space left on device")) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
