package io.deltachain.launcher.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small blocking client of the round service's HTTP API. Every failure becomes a
 * {@link Failure} whose message a user can act on: the service's own error (status, code and
 * message) for a 4xx or 5xx, or what went wrong reaching it.
 */
public final class RoundApiClient {
  private final URI base;
  private final String token;
  private final HttpClient http;

  /** A failed call: {@code status} is the HTTP status, or 0 when the service could not be reached. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    Failure(int status, String message) {
      super(message);
      this.status = status;
    }

    /** The HTTP status, or 0 when the service was not reached. */
    public int status() {
      return status;
    }
  }

  /**
   * @param url the service, e.g. {@code http://127.0.0.1:8080}
   * @param token the API token for writes, or null
   */
  public RoundApiClient(String url, String token) {
    URI u;
    try {
      u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw new Failure(0, "--url '" + url + "' is not a URL: " + e.getMessage());
    }
    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
      throw new Failure(0, "--url '" + url + "' must be http://host:port or https://host:port");
    }
    this.base = u;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** GET a JSON document. */
  public JsonObject get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  /** POST a JSON body with the token. */
  public JsonObject post(String path, JsonObject body) {
    if (token == null || token.isBlank()) {
      throw new Failure(0, "this needs an API token: pass --token or set DELTACHAIN_ROUND_TOKEN");
    }
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8)));
  }

  private JsonObject send(HttpRequest.Builder req) {
    HttpRequest r = req.timeout(Duration.ofSeconds(60)).build();
    HttpResponse<String> resp;
    try {
      resp = http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new Failure(0, "cannot reach the round service at " + base + ": connection refused or timed out"
          + " (is it running? is --url right?)");
    } catch (IOException e) {
      throw new Failure(0, "cannot talk to the round service at " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(0, "interrupted");
    }
    JsonObject body;
    try {
      body = resp.body() == null || resp.body().isBlank() ? new JsonObject() : new JsonObject(resp.body());
    } catch (DecodeException e) {
      throw new Failure(resp.statusCode(), r.method() + " " + r.uri().getPath() + " answered HTTP " + resp.statusCode()
          + " with a body that is not JSON (is --url a deltachain round service?)");
    }
    if (resp.statusCode() >= 400) {
      throw new Failure(resp.statusCode(), "HTTP " + resp.statusCode() + " " + body.getString("error", "error") + ": "
          + body.getString("message", resp.body()));
    }
    return body;
  }
}
