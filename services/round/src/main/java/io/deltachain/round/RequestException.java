package io.deltachain.round;

import io.vertx.core.json.JsonObject;

/**
 * A request the service cannot carry out, with the HTTP status and a stable error code the API
 * returns in its JSON body.
 */
public final class RequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  /** With an HTTP status (4xx for the caller's mistakes), an error code and a message naming the problem. */
  public RequestException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The error code ({@code unknown_model}, {@code round_not_found}, ...). */
  public String code() {
    return code;
  }

  /** {@code {"error": code, "message": ..., "status": n}}. */
  public JsonObject toJson() {
    return new JsonObject().put("error", code).put("message", getMessage()).put("status", status);
  }
}
