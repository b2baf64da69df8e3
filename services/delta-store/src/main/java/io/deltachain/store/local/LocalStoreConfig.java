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
 */
public record LocalStoreConfig(Path dataDir, long minFreeBytes, boolean fsync) {
  /** Default reserve kept free on the data directory's file system: 64 MiB. */
  public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

  public LocalStoreConfig {
    if (dataDir == null) {
      throw new IllegalArgumentException("local store: dataDir is required");
    }
    if (minFreeBytes < 0) {
      throw new IllegalArgumentException("local store: minFreeBytes must be >= 0, got " + minFreeBytes);
    }
  }

  /** Defaults for a data directory. */
  public static LocalStoreConfig of(Path dataDir) {
    return new LocalStoreConfig(dataDir, DEFAULT_MIN_FREE_BYTES, true);
  }

  /** Reads {@code {"dataDir": ..., "minFreeBytes": ..., "fsync": ...}}. */
  public static LocalStoreConfig fromJson(JsonObject j) {
    String dir = j.getString("dataDir");
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("local store: 'dataDir' is required");
    }
    return new LocalStoreConfig(Paths.get(dir), j.getLong("minFreeBytes", DEFAULT_MIN_FREE_BYTES),
        j.getBoolean("fsync", true));
  }
}
