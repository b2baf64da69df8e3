package io.deltachain.store.ipfs;

import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small client of kubo's HTTP RPC API: POST only, arguments as query parameters, the
 * configured {@code timeout} on every call, kubo's JSON errors turned into
 * {@link KuboException}s.
 */
public final class KuboRpc {
  private final IpfsConfig config;
  private final HttpClientAgent http;

  public KuboRpc(Vertx vertx, IpfsConfig config) {
    this.config = config;
    this.http = vertx.createHttpClient(
        new HttpClientOptions().setDefaultHost(config.apiUrl().getHost()).setDefaultPort(config.port())
            .setKeepAlive(true).setTcpNoDelay(true)
            // kubo streams cat output chunked; Vert.x's default 8 KiB chunks mean 8x more events.
            .setMaxChunkSize(64 * 1024),
        new PoolOptions().setHttp1MaxSize(16));
  }

  /** The configuration. */
  public IpfsConfig config() {
    return config;
  }

  /** Builds {@code /api/v0/<command>?k=v&...&timeout=...}. */
  public String uri(String command, Map<String, ?> params) {
    StringBuilder sb = new StringBuilder(config.apiUrl().getPath() == null ? "" : config.apiUrl().getPath().replaceAll("/+$", ""));
    sb.append("/api/v0/").append(command).append('?');
    Map<String, Object> all = new LinkedHashMap<>(params);
    all.putIfAbsent("timeout", config.timeout().toSeconds() + "s");
    boolean first = true;
    for (Map.Entry<String, Object> e : all.entrySet()) {
      if (!first) {
        sb.append('&');
      }
      first = false;
      sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  /** Opens a POST request to a command (for streaming bodies). */
  public Future<HttpClientRequest> request(String command, Map<String, ?> params) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(uri(command, params)))
        .recover(t -> Future.failedFuture(unreachable(command, t)));
  }

  /** Calls a command without a body and returns its JSON answer. */
  public Future<JsonObject> call(String command, Map<String, ?> params) {
    return request(command, params)
        .compose(req -> req.send().recover(t -> Future.failedFuture(unreachable(command, t))))
        .compose(resp -> resp.body().compose(body -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture(error(command, resp.statusCode(), body));
          }
          try {
            return Future.succeededFuture(body.length() == 0 ? new JsonObject() : new JsonObject(body));
          } catch (DecodeException e) {
            return Future.failedFuture(new StoreException(StoreError.BACKEND_UNAVAILABLE,
                "kubo " + command + " answered something that is not JSON: " + abbreviate(body.toString())));
          }
        }));
  }

  /** Reads the error of a non-200 response. */
  public Future<Void> failWith(String command, HttpClientResponse resp) {
    return resp.body().compose(b -> Future.failedFuture(error(command, resp.statusCode(), b)));
  }

  /** kubo's error JSON (or plain text) as an exception. */
  public static KuboException error(String command, int status, Buffer body) {
    String msg;
    try {
      msg = new JsonObject(body).getString("Message", body.toString());
    } catch (DecodeException | ClassCastException e) {
      msg = body.toString().trim();
    }
    return new KuboException(command, status, abbreviate(msg));
  }

  private StoreException unreachable(String command, Throwable t) {
    return new StoreException(StoreError.BACKEND_UNAVAILABLE,
        "kubo RPC API at " + config.apiUrl() + " is unreachable for " + command + ": " + t.getMessage(), t);
  }

  private static String abbreviate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 497) + "...";
  }

  /** Closes the HTTP client. */
  public Future<Void> close() {
    return http.close();
  }
}
