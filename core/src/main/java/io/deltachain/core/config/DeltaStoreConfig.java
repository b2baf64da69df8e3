package io.deltachain.core.config;

import io.deltachain.core.config.ConfigKey.Kind;
import io.deltachain.core.tx.TxLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The content-addressed delta store: where it keeps files, where its HTTP API listens, how
 * large an upload may be, and below which size a delta rides inside its transaction.
 *
 * @param dataDir the directory of stored files, default {@code <node.home>/delta-store}
 * @param http the HTTP API ({@code delta-store.http.host}/{@code .port}, default port
 *     {@value #DEFAULT_HTTP_PORT})
 * @param maxUploadBytes the largest accepted upload, default 8 GiB (a bf16 layer of a 70B model
 *     is about 1.7 GB)
 * @param inlineThresholdBytes deltas smaller than this travel inline in the transaction; at
 *     most {@link TxLimits#INLINE_DELTA_MAX_BYTES}, which is also the default
 */
public record DeltaStoreConfig(Path dataDir, HttpConfig http, long maxUploadBytes, long inlineThresholdBytes) {
  /** Key of {@link #dataDir()}. */
  public static final String DATA_DIR = "delta-store.data-dir";
  /** Prefix of {@link #http()}. */
  public static final String HTTP = "delta-store.http";
  /** Key of {@link #maxUploadBytes()}: bytes, or text such as {@code 2GiB}. */
  public static final String MAX_UPLOAD_BYTES = "delta-store.max-upload-bytes";
  /** Key of {@link #inlineThresholdBytes()}. */
  public static final String INLINE_THRESHOLD_BYTES = "delta-store.inline-threshold-bytes";
  /** The delta store's default HTTP port. */
  public static final int DEFAULT_HTTP_PORT = 8470;
  /** The default upload limit: 8 GiB. */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 8L << 30;
  /** The keys this record reads. */
  public static final List<ConfigKey> KEYS;

  static {
    List<ConfigKey> keys = new ArrayList<>();
    keys.add(ConfigKey.of(DATA_DIR, Kind.STRING));
    keys.addAll(HttpConfig.keys(HTTP));
    keys.add(ConfigKey.of(MAX_UPLOAD_BYTES, Kind.SIZE));
    keys.add(ConfigKey.of(INLINE_THRESHOLD_BYTES, Kind.SIZE));
    KEYS = List.copyOf(keys);
  }

  /** Validates sizes. */
  public DeltaStoreConfig {
    Objects.requireNonNull(dataDir, DATA_DIR);
    Objects.requireNonNull(http, HTTP);
    List<String> problems = sizeProblems(maxUploadBytes, inlineThresholdBytes);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * Reads and validates.
   *
   * @throws ConfigException listing every bad key
   */
  public static DeltaStoreConfig from(ConfigView view) {
    ConfigReader r = view.reader();
    DeltaStoreConfig config = read(r);
    r.throwIfInvalid();
    return config;
  }

  /** Reads into a shared reader; null when something was wrong (recorded in the reader). */
  public static DeltaStoreConfig read(ConfigReader r) {
    int before = r.problems().size();
    Path home = r.path(NodeConfig.HOME, NodeConfig.defaultHome());
    Path dataDir = r.path(DATA_DIR, home == null ? null : home.resolve("delta-store"));
    HttpConfig http = HttpConfig.read(r, HTTP, DEFAULT_HTTP_PORT);
    long maxUpload = r.size(MAX_UPLOAD_BYTES, DEFAULT_MAX_UPLOAD_BYTES);
    long inline = r.size(INLINE_THRESHOLD_BYTES, TxLimits.INLINE_DELTA_MAX_BYTES);
    // bad values came back as the (valid) defaults, so these rules see only configured values
    if (maxUpload == 0) {
      r.problem(MAX_UPLOAD_BYTES, "must be positive, got 0");
    }
    if (inline > TxLimits.INLINE_DELTA_MAX_BYTES) {
      r.problem(INLINE_THRESHOLD_BYTES, "must be at most " + TxLimits.INLINE_DELTA_MAX_BYTES
          + " (TxLimits.INLINE_DELTA_MAX_BYTES, so the transaction fits CometBFT's limits), got " + inline);
    }
    return r.problems().size() == before ? new DeltaStoreConfig(dataDir, http, maxUpload, inline) : null;
  }

  private static List<String> sizeProblems(long maxUpload, long inline) {
    List<String> problems = new ArrayList<>();
    if (maxUpload <= 0) {
      problems.add(MAX_UPLOAD_BYTES + " must be positive, got " + maxUpload);
    }
    if (inline < 0 || inline > TxLimits.INLINE_DELTA_MAX_BYTES) {
      problems.add(INLINE_THRESHOLD_BYTES + " must be 0-" + TxLimits.INLINE_DELTA_MAX_BYTES + ", got " + inline);
    }
    return problems;
  }
}
