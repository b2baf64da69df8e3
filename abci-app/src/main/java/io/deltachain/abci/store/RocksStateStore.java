package io.deltachain.abci.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The ledger in RocksDB. State entries live under {@code s/<key>}; the height and app hash
 * under {@code m/height} and {@code m/app_hash}; a format marker under {@code m/format}. A
 * commit is one {@link WriteBatch} written with {@code sync = true}, so a crash leaves either
 * the previous block or the new one, never a mix.
 */
public final class RocksStateStore implements StateStore {
  private static final String STATE = "s/";
  private static final byte[] HEIGHT = bytes("m/height");
  private static final byte[] APP_HASH = bytes("m/app_hash");
  private static final byte[] FORMAT = bytes("m/format");
  private static final byte[] FORMAT_V1 = {1};

  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final RocksDB db;
  private final WriteOptions syncWrites;

  private RocksStateStore(Options options, RocksDB db) {
    this.options = options;
    this.db = db;
    this.syncWrites = new WriteOptions().setSync(true);
  }

  /** Opens (creating if needed) the store in {@code dir}. */
  public static RocksStateStore open(Path dir) {
    try {
      Files.createDirectories(dir);
      Options options = new Options().setCreateIfMissing(true);
      RocksDB db = RocksDB.open(options, dir.toString());
      byte[] format = db.get(FORMAT);
      if (format == null) {
        db.put(FORMAT, FORMAT_V1);
      } else if (format.length != 1 || format[0] != 1) {
        db.close();
        throw new IllegalStateException("ledger store " + dir + " has format " + (format.length == 1 ? format[0] : "?")
            + "; this build reads format 1");
      }
      return new RocksStateStore(options, db);
    } catch (RocksDBException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the ledger store in " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Loaded load() {
    try {
      TreeMap<String, byte[]> entries = new TreeMap<>();
      try (RocksIterator it = db.newIterator()) {
        byte[] prefix = bytes(STATE);
        for (it.seek(prefix); it.isValid(); it.next()) {
          String key = new String(it.key(), StandardCharsets.UTF_8);
          if (!key.startsWith(STATE)) {
            break;
          }
          entries.put(key.substring(STATE.length()), it.value());
        }
      }
      byte[] h = db.get(HEIGHT);
      byte[] a = db.get(APP_HASH);
      long height = h == null ? 0 : ByteBuffer.wrap(h).getLong();
      return new Loaded(entries, height, a == null ? new byte[0] : a);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read the ledger store: " + e.getMessage(), e);
    }
  }

  @Override
  public void commit(long height, byte[] appHash, NavigableMap<String, byte[]> writes) {
    try (WriteBatch batch = new WriteBatch()) {
      for (Map.Entry<String, byte[]> e : writes.entrySet()) {
        byte[] key = bytes(STATE + e.getKey());
        if (e.getValue() == null) {
          batch.delete(key);
        } else {
          batch.put(key, e.getValue());
        }
      }
      batch.put(HEIGHT, ByteBuffer.allocate(8).putLong(height).array());
      batch.put(APP_HASH, appHash);
      db.write(syncWrites, batch);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot commit height " + height + " to the ledger store: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    syncWrites.close();
    db.close();
    options.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
