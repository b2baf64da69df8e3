package io.deltachain.store.ipfs;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * How to reach a kubo daemon and how to import into it.
 *
 * @param apiUrl the RPC API base, e.g. {@code http://127.0.0.1:5001}
 * @param timeout sent with every RPC call as kubo's {@code timeout} option, so a CID nobody
 *     provides fails instead of waiting forever
 * @param indexDir where the hash to CID index lives (kubo names content by CID, the chain by SHA-256)
 * @param chunker kubo's {@code chunker} for imports; pinned explicitly because kubo's default may change
 */
public record IpfsConfig(URI apiUrl, Duration timeout, Path indexDir, String chunker) {
  /** One MiB blocks: fewer blocks per delta than kubo's 256 KiB default, within every block limit. */
  public static final String DEFAULT_CHUNKER = "size-1048576";

  public IpfsConfig {
    if (apiUrl == null || !"http".equals(apiUrl.getScheme()) || apiUrl.getHost() == null) {
      throw new IllegalArgumentException("ipfs.apiUrl must be an http://host:port URL of kubo's RPC API, got " + apiUrl);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("ipfs.timeoutSeconds must be positive");
    }
    if (indexDir == null) {
      throw new IllegalArgumentException("ipfs.indexDir is required");
    }
  }

  /** The API port (default 5001 when the URL has none). */
  public int port() {
    return apiUrl.getPort() > 0 ? apiUrl.getPort() : 5001;
  }

  /** Defaults for an API URL. */
  public static IpfsConfig of(String apiUrl, Path indexDir) {
    return new IpfsConfig(URI.create(apiUrl), Duration.ofSeconds(60), indexDir, DEFAULT_CHUNKER);
  }

  /** Reads {@code {"apiUrl", "timeoutSeconds", "indexDir", "chunker"}}. */
  public static IpfsConfig fromJson(JsonObject j) {
    String url = j.getString("apiUrl");
    if (url == null) {
      throw new IllegalArgumentException("ipfs.apiUrl is required (kubo's RPC API, e.g. http://127.0.0.1:5001)");
    }
    String index = j.getString("indexDir");
    if (index == null) {
      throw new IllegalArgumentException("ipfs.indexDir is required");
    }
    return new IpfsConfig(URI.create(url), Duration.ofSeconds(j.getLong("timeoutSeconds", 60L)), Paths.get(index),
        j.getString("chunker", DEFAULT_CHUNKER));
  }
}
