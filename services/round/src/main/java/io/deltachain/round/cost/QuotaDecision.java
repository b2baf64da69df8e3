package io.deltachain.round.cost;

import io.vertx.core.json.JsonObject;

/**
 * Whether a client may go ahead, and if not which limit it hit.
 *
 * @param allowed whether the action is within quota (it was counted if so)
 * @param limit {@code requests} or {@code rounds}
 * @param max the limit per window
 * @param used how many the client used in this window, this one included when allowed
 * @param windowSeconds the window length
 * @param retryAfterSeconds when the window resets (0 when allowed)
 */
public record QuotaDecision(
    boolean allowed, String limit, int max, int used, long windowSeconds, long retryAfterSeconds) {

  /** The 429 body: what was exceeded and when to retry. */
  public JsonObject toJson(String clientId) {
    return new JsonObject()
        .put("error", "quota_exceeded")
        .put("message", "client '" + clientId + "' exceeded its quota of " + max + " " + limit + " per "
            + windowSeconds + " s; retry in " + retryAfterSeconds + " s")
        .put("limit", limit)
        .put("max", max)
        .put("used", used)
        .put("window_seconds", windowSeconds)
        .put("retry_after_seconds", retryAfterSeconds);
  }
}
