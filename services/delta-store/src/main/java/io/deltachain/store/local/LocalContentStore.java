package io.deltachain.store.local;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.ByteRange;
import io.deltachain.store.ContentStat;
import io.deltachain.store.ContentStore;
import io.deltachain.store.ContentStream;
import io.deltachain.store.PutOptions;
import io.deltachain.store.PutResult;
import io.deltachain.store.RangeRequest;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.deltachain.store.io.HashingPump;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default store: one file per content under {@code dataDir/objects/ab/cd/<hash>}.
 *
 * <p>Writes go to {@code dataDir/tmp} (same file system), are hashed while they stream, fsynced,
 * checked against the declared hash and size limit, and only then atomically renamed into
 * place, so a crash, a disconnect or a failed check leaves nothing visible. Two uploads of
 * the same content are safe: both temp files hold the same bytes and rename(2) replaces
 * atomically.
 *
 * <p>Reads are verified before the first byte is sent: the whole file is hashed on a worker
 * thread (whatever range was asked for) and only a match is served, zero-copy
 * ({@link ContentStream#verifiedFile()}). A mismatch quarantines the file (moved to
 * {@code dataDir/quarantine}) and fails with {@link StoreError#CORRUPT_CONTENT}, so no byte of
 * corrupt content leaves the store. After a verification the file is trusted for
 * {@code verifyIntervalSeconds} as long as its size, modification time and inode are unchanged,
 * and is served without hashing it again. Uploads are not trusted until read back once, so the
 * first read of every file is hashed. Clients ({@code DeltaStoreClient}, the gRPC client) hash
 * what they receive as well, so a bit flip inside the trust period is still caught end to end.
 *
 * <p>Free space is checked before an upload (against its declared size) and every 8 MiB
 * while it streams, keeping {@code minFreeBytes} free; a real "no space left on device" from
 * the OS maps to the same {@link StoreError#INSUFFICIENT_STORAGE}.
 */
public final class LocalContentStore implements ContentStore {
  private static final Logger LOG = LoggerFactory.getLogger(LocalContentStore.class);
  /** Bytes per disk write: uploads are gathered into batches of this size. */
  static final int WRITE_BATCH_BYTES = 1 << 20;
  /** Bytes per read chunk when streaming content out. */
  static final int READ_CHUNK_BYTES = 256 << 10;
  private static final long SPACE_CHECK_EVERY_BYTES = 8L << 20;

  private final Vertx vertx;
  private final LocalStoreConfig config;
  private final SpaceProbe spaceProbe;
  private final Path objects;
  private final Path tmp;
  private final Path pins;
  private final Path quarantine;

  private LocalContentStore(Vertx vertx, LocalStoreConfig config, SpaceProbe spaceProbe) {
    this.vertx = vertx;
    this.config = config;
    this.spaceProbe = spaceProbe;
    Path root = config.dataDir().toAbsolutePath();
    this.objects = root.resolve("objects");
    this.tmp = root.resolve("tmp");
    this.pins = root.resolve("pins");
    this.quarantine = root.resolve("quarantine");
  }

  /** Opens (creating) a store with the file system's own free-space figure. */
  public static Future<LocalContentStore> open(Vertx vertx, LocalStoreConfig config) {
    return open(vertx, config, SpaceProbe.fileSystem());
  }

  /**
   * Opens (creating) a store. Temp files left by a crash are removed: they were never visible.
   */
  public static Future<LocalContentStore> open(Vertx vertx, LocalStoreConfig config, SpaceProbe probe) {
    LocalContentStore store = new LocalContentStore(vertx, config, probe);
    return vertx.executeBlocking(() -> {
      for (Path d : List.of(store.objects, store.tmp, store.pins, store.quarantine)) {
        Files.createDirectories(d);
      }
      try (Stream<Path> stale = Files.list(store.tmp)) {
        for (Path p : (Iterable<Path>) stale::iterator) {
          Files.deleteIfExists(p);
        }
      }
      return store;
    }, false);
  }

  @Override
  public String name() {
    return "local";
  }

  /** The configuration. */
  public LocalStoreConfig config() {
    return config;
  }

  /** Where the content with this hash lives (whether or not it exists). */
  public Path objectPath(ContentHash hash) {
    String h = hash.hex();
    return objects.resolve(h.substring(0, 2)).resolve(h.substring(2, 4)).resolve(h);
  }

  /** The temp directory (uploads in progress). */
  public Path tempDir() {
    return tmp;
  }

  /** The quarantine directory (files that failed verification). */
  public Path quarantineDir() {
    return quarantine;
  }

  private Path pinPath(ContentHash hash) {
    String h = hash.hex();
    return pins.resolve(h.substring(0, 2)).resolve(h);
  }

  @Override
  public Future<PutResult> put(ReadStream<Buffer> source, PutOptions options) {
    try {
      options.checkDeclaredSize();
      if (options.declaredSize() > 0) {
        checkSpace(options.declaredSize(), 0);
      }
    } catch (StoreException e) {
      return Future.failedFuture(e);
    }
    Path part = tmp.resolve(UUID.randomUUID() + ".part");
    return vertx.fileSystem()
        .open(part.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .recover(t -> Future.failedFuture(StoreException.wrap(t, "creating a temp file in " + tmp)))
        .compose(file -> write(source, file, options)
            .compose(r -> config.fsync() ? file.flush().map(r) : Future.succeededFuture(r))
            .andThen(ar -> file.close())
            .recover(t -> Future.failedFuture(StoreException.wrap(t, "writing " + part))))
        .compose(r -> commit(part, r, options))
        .onFailure(t -> deleteQuietly(part));
  }

  private Future<HashingPump.Result> write(ReadStream<Buffer> source, AsyncFile file, PutOptions options) {
    long declared = options.declaredSize();
    HashingPump pump = new HashingPump(source, file, options.maxBytes(), options::tooLarge,
        soFar -> checkSpace(declared > 0 ? Math.max(declared, soFar) : soFar, soFar),
        SPACE_CHECK_EVERY_BYTES, WRITE_BATCH_BYTES);
    return pump.run();
  }

  /**
   * Fails when writing {@code totalBytes} in all (of which {@code written} already are on
   * disk) would leave less than the reserve free. For an upload of unknown size the remaining
   * need is unknown, so it fails once the reserve itself is touched.
   */
  private void checkSpace(long totalBytes, long written) {
    long usable;
    try {
      usable = spaceProbe.usableBytes(tmp);
    } catch (IOException e) {
      throw new StoreException(StoreError.INTERNAL, "cannot read free space of " + tmp + ": " + e.getMessage(), e);
    }
    long needed = totalBytes - written;
    if (usable - needed < config.minFreeBytes()) {
      throw new StoreException(StoreError.INSUFFICIENT_STORAGE,
          "not enough disk space for " + totalBytes + " bytes in " + config.dataDir() + ": " + usable
              + " bytes usable, " + config.minFreeBytes() + " kept in reserve; nothing was stored",
          new JsonObject().put("usableBytes", usable).put("neededBytes", needed), null);
    }
  }

  private Future<PutResult> commit(Path part, HashingPump.Result r, PutOptions options) {
    if (options.expectedHash() != null && !options.expectedHash().equals(r.hash())) {
      return Future.failedFuture(StoreException.hashMismatch(options.expectedHash().hex(), r.hash().hex()));
    }
    Path target = objectPath(r.hash());
    return vertx.executeBlocking(() -> {
      Files.createDirectories(target.getParent());
      try {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new StoreException(StoreError.INTERNAL, "data directory does not support atomic rename: " + e.getMessage(), e);
      }
      if (config.fsync()) {
        fsyncDirectory(target.getParent());
      }
      return new PutResult(r.hash(), r.size(), null);
    }, false).recover(t -> Future.failedFuture(StoreException.wrap(t, "committing " + r.hash().hex())));
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public Future<PutResult> putFile(Path file, PutOptions options) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .recover(t -> Future.failedFuture(new StoreException(StoreError.BAD_REQUEST, "cannot read " + file + ": " + t.getMessage(), t)))
        .compose(f -> f.size().compose(size -> {
          f.setReadBufferSize(WRITE_BATCH_BYTES);
          return put(f, options.withDeclaredSize(size));
        }).andThen(ar -> f.close()));
  }

  /** What a full verification saw: if any of it changes, the file is hashed again. */
  private record Verified(long size, long modifiedNanos, Object fileKey, long atNanos) {}

  private final ConcurrentHashMap<ContentHash, Verified> verified = new ConcurrentHashMap<>();

  private boolean trusted(ContentHash hash, BasicFileAttributes a) {
    Verified v = verified.get(hash);
    return v != null && config.verifyIntervalSeconds() > 0
        && v.size() == a.size() && v.modifiedNanos() == a.lastModifiedTime().to(TimeUnit.NANOSECONDS)
        && java.util.Objects.equals(v.fileKey(), a.fileKey())
        && System.nanoTime() - v.atNanos() < TimeUnit.SECONDS.toNanos(config.verifyIntervalSeconds());
  }

  private void markVerified(ContentHash hash, BasicFileAttributes a) {
    if (config.verifyIntervalSeconds() > 0) {
      verified.put(hash, new Verified(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey(), System.nanoTime()));
    }
  }

  private Future<BasicFileAttributes> attributes(ContentHash hash) {
    Path path = objectPath(hash);
    return vertx.executeBlocking(() -> Files.readAttributes(path, BasicFileAttributes.class), false)
        .recover(t -> Future.failedFuture(isMissing(t) ? StoreException.notFound(hash.hex())
            : StoreException.wrap(t, "reading " + path)));
  }

  @Override
  public Future<ContentStream> get(ContentHash hash, RangeRequest rangeRequest) {
    Path path = objectPath(hash);
    return attributes(hash).compose(attrs -> {
      long size = attrs.size();
      ByteRange range;
      try {
        range = rangeRequest == null ? ByteRange.whole(size) : rangeRequest.resolve(size);
      } catch (StoreException e) {
        return Future.failedFuture(e);
      }
      Future<Void> ready = trusted(hash, attrs) ? Future.succeededFuture()
          : verifyWhole(hash, path, size).andThen(ar -> {
            if (ar.succeeded()) {
              markVerified(hash, attrs);
            }
          });
      return ready
          .compose(v -> isPinned(hash))
          .compose(pinned -> vertx.fileSystem().open(path.toString(), new OpenOptions().setRead(true).setWrite(false))
              .map(file -> stream(hash, path, size, range, file, pinned)));
    });
  }

  private ContentStream stream(ContentHash hash, Path path, long size, ByteRange range, AsyncFile file, boolean pinned) {
    file.setReadBufferSize(READ_CHUNK_BYTES);
    file.setReadPos(range.offset());
    file.setReadLength(range.length());
    AtomicBoolean closed = new AtomicBoolean();
    Runnable closer = () -> {
      if (closed.compareAndSet(false, true)) {
        file.close();
      }
    };
    // Verified just now, or recently with the file unchanged: safe to send as is, zero-copy.
    return new ContentStream(new ContentStat(hash, size, null, pinned), range, file, closer, path);
  }

  private Future<Void> verifyWhole(ContentHash hash, Path path, long size) {
    return vertx.executeBlocking(() -> {
      ContentHash actual = ContentHash.sha256(path);
      if (!actual.equals(hash)) {
        quarantine(hash, path);
        throw new StoreException(StoreError.CORRUPT_CONTENT,
            "content " + hash.hex() + " in the local store (" + path + ") is corrupt: its " + size
                + " bytes hash to " + actual.hex() + "; it was not served and was quarantined",
            new JsonObject().put("hash", hash.hex()).put("actualHash", actual.hex()), null);
      }
      return null;
    }, false);
  }

  private void quarantine(ContentHash hash, Path path) {
    verified.remove(hash);
    Path to = quarantine.resolve(hash.hex() + "." + System.currentTimeMillis() + ".corrupt");
    try {
      Files.move(path, to, StandardCopyOption.ATOMIC_MOVE);
      LOG.error("content {} failed verification; moved {} to {}", hash.hex(), path, to);
    } catch (NoSuchFileException e) {
      LOG.error("content {} failed verification and is already gone from {}", hash.hex(), path);
    } catch (IOException e) {
      LOG.error("content {} failed verification; could not quarantine {}: {}", hash.hex(), path, e.toString());
    }
  }

  private Future<Long> size(ContentHash hash) {
    Path path = objectPath(hash);
    return vertx.fileSystem().props(path.toString())
        .map(p -> p.size())
        .recover(t -> Future.failedFuture(isMissing(t) ? StoreException.notFound(hash.hex())
            : StoreException.wrap(t, "reading " + path)));
  }

  private static boolean isMissing(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NoSuchFileException) {
        return true;
      }
    }
    return false;
  }

  private Future<Boolean> isPinned(ContentHash hash) {
    return vertx.fileSystem().exists(pinPath(hash).toString());
  }

  @Override
  public Future<ContentStat> stat(ContentHash hash) {
    return size(hash).compose(size -> isPinned(hash).map(p -> new ContentStat(hash, size, null, p)));
  }

  @Override
  public Future<Boolean> exists(ContentHash hash) {
    return vertx.fileSystem().exists(objectPath(hash).toString());
  }

  @Override
  public Future<Void> pin(ContentHash hash) {
    return size(hash).compose(s -> vertx.executeBlocking(() -> {
      Path p = pinPath(hash);
      Files.createDirectories(p.getParent());
      if (!Files.exists(p)) {
        Files.createFile(p);
      }
      return null;
    }, false));
  }

  @Override
  public Future<Void> unpin(ContentHash hash) {
    return vertx.executeBlocking(() -> {
      Files.deleteIfExists(pinPath(hash));
      return null;
    }, false);
  }

  @Override
  public Future<Boolean> delete(ContentHash hash) {
    verified.remove(hash);
    return vertx.executeBlocking(() -> {
      Files.deleteIfExists(pinPath(hash));
      return Files.deleteIfExists(objectPath(hash));
    }, false);
  }

  @Override
  public Future<List<ContentHash>> list() {
    return vertx.executeBlocking(() -> {
      List<ContentHash> out = new ArrayList<>();
      try (Stream<Path> files = Files.walk(objects, 3)) {
        files.filter(Files::isRegularFile).forEach(p -> {
          try {
            out.add(ContentHash.parse(p.getFileName().toString()));
          } catch (IllegalArgumentException e) {
            LOG.warn("ignoring a file that is not named by a hash: {}", p);
          }
        });
      }
      out.sort(null);
      return out;
    }, false);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("could not remove temp file {}: {}", p, e.toString());
    }
  }
}
