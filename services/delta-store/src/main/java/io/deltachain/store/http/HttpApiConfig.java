package io.deltachain.store.http;

import io.deltachain.core.tx.TxLimits;
import io.vertx.core.json.JsonObject;

/**
 * HTTP API settings.
 *
 * @param host interface to bind
 * @param port port (0 = any free port; the verticle reports the one it got)
 * @param maxUploadBytes uploads larger than this get 413
 * @param inlineMaxBytes uploads up to this size are reported {@code inlineEligible}
 */
public record HttpApiConfig(String host, int port, long maxUploadBytes, long inlineMaxBytes) {
  /** Default upload limit: 8 GiB. */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 8L << 30;

  public HttpApiConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("http.port must be 0..65535, got " + port);
    }
    if (maxUploadBytes <= 0) {
      throw new IllegalArgumentException("http.maxUploadBytes must be positive, got " + maxUploadBytes);
    }
  }

  /** Reads {@code {"host", "port", "maxUploadBytes", "inlineMaxBytes"}}. */
  public static HttpApiConfig fromJson(JsonObject j) {
    return new HttpApiConfig(j.getString("host", "127.0.0.1"), j.getInteger("port", 8470),
        j.getLong("maxUploadBytes", DEFAULT_MAX_UPLOAD_BYTES), j.getLong("inlineMaxBytes", (long) TxLimits.INLINE_DELTA_MAX_BYTES));
  }
}
