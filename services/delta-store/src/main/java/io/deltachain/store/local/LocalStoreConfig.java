package io.deltachain.store.local;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Configuration of the local content-addressed store.
 *
 * @param dataDir root directory (objects/, tmp/, pins/, quarantine/ live under it)
 * @param minFreeBytes uploads fail with insufficient_storage rather than leave less than this free
 * @param fsync whether to fsync each file and its directory before it becomes visible
 * @param verifyIntervalSeconds a file read and verified in full is trusted (served zero-copy
 *     without hashing it again) for this long, as long as its size, modification time and inode
 *     are unchanged; 0 hashes on every read
 */
public record LocalStoreConfig(Path dataDir, long minFreeBytes, boolean fsync, long verifyIntervalSeconds) {
  /** Default trust period of a verification: 10 minutes. */
  public static final long DEFAULT_VERIFY_INTERVAL_SECONDS = 600;

  /** Defaults for the trust period. */
  public LocalStoreConfig(Path dataDir, long minFreeBytes, boolean fsync) {
    this(dataDir, minFreeBytes, fsync, DEFAULT_VERIFY_INTERVAL_SECONDS);
  }

  /** Default reserve kept free on the data directory's file system: 64 MiB. */
  public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

  public LocalStoreConfig {
    if (dataDir == null) {
      throw new IllegalArgumentException("local store: dataDir is required");
    }
    if (verifyIntervalSeconds < 0) {
      throw new IllegalArgumentException("local store: verifyIntervalSeconds must be >= 0, got " + verifyIntervalSeconds);
    }
    if (minFreeBytes < 0) {
      throw new IllegalArgumentException("local store: minFreeBytes must be >= 0, got " + minFreeBytes);
    }
  }

  /** Defaults for a data directory. */
  public static LocalStoreConfig of(Path dataDir) {
    return new LocalStoreConfig(dataDir, DEFAULT_MIN_FREE_BYTES, true);
  }

  /** Reads {@code {"dataDir", "minFreeBytes", "fsync", "verifyIntervalSeconds"}}. */
  public static LocalStoreConfig fromJson(JsonObject j) {
    String dir = j.getString("dataDir");
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("local store: 'dataDir' is required");
    }
    return new LocalStoreConfig(Paths.get(dir), j.getLong("minFreeBytes", DEFAULT_MIN_FREE_BYTES),
        j.getBoolean("fsync", true), j.getLong("verifyIntervalSeconds", DEFAULT_VERIFY_INTERVAL_SECONDS));
  }
}
