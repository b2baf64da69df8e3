package io.deltachain.store;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A content-addressed store of deltas and checkpoints: content goes in as a stream, comes out
 * by its SHA-256. All methods are asynchronous and safe to call from an event loop; failures
 * are {@link StoreException}s.
 */
public interface ContentStore {
  /** A short name for logs and errors ({@code "local"}, {@code "ipfs"}). */
  String name();

  /**
   * Stores a stream. Nothing becomes visible unless the whole stream arrived, fit the size
   * limit and matched the declared hash. Pass the source paused: the store resumes it once it
   * is ready to take the bytes.
   */
  Future<PutResult> put(ReadStream<Buffer> source, PutOptions options);

  /** Stores a file (streamed, never read whole into memory). */
  Future<PutResult> putFile(Path file, PutOptions options);

  /**
   * Opens content for reading, whole ({@code range == null}) or a byte range of it.
   * Fails with {@link StoreError#NOT_FOUND} or {@link StoreError#RANGE_NOT_SATISFIABLE}.
   */
  Future<ContentStream> get(ContentHash hash, RangeRequest range);

  /** Metadata; fails with {@link StoreError#NOT_FOUND}. */
  Future<ContentStat> stat(ContentHash hash);

  /** Whether the content is present. */
  Future<Boolean> exists(ContentHash hash);

  /** Protects content from garbage collection. Fails with NOT_FOUND when absent. */
  Future<Void> pin(ContentHash hash);

  /** Removes protection; unpinning unpinned content succeeds. */
  Future<Void> unpin(ContentHash hash);

  /** Removes content (whether pinned or not: callers decide); true when something was removed. */
  Future<Boolean> delete(ContentHash hash);

  /** Every hash in this store, for garbage collection. */
  Future<List<ContentHash>> list();

  /**
   * Makes content that was added elsewhere known under its hash, given its IPFS CID (as
   * recorded on chain). Only stores that speak IPFS support it; others fail with
   * {@link StoreError#UNSUPPORTED}.
   */
  default Future<ContentStat> link(ContentHash hash, String cid) {
    return Future.failedFuture(new StoreException(StoreError.UNSUPPORTED, "the " + name() + " store cannot link CIDs"));
  }
}
