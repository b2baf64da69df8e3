package io.deltachain.store.gc;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link ReferenceSource} kept in memory and fed by hand: for tests and for setups without a
 * chain. Thread-safe.
 */
public final class InMemoryReferenceSource implements ReferenceSource {
  private long height;
  private final TreeSet<ContentHash> referenced = new TreeSet<>();
  private final TreeMap<ContentHash, Long> releasedAt = new TreeMap<>();

  /** Sets the current height. */
  public synchronized InMemoryReferenceSource height(long h) {
    this.height = h;
    return this;
  }

  /** Marks content as referenced (e.g. a delta was submitted); clears an earlier release. */
  public synchronized InMemoryReferenceSource reference(ContentHash h) {
    referenced.add(h);
    releasedAt.remove(h);
    return this;
  }

  /** Marks content as no longer referenced from the current height on (rejected, expired). */
  public synchronized InMemoryReferenceSource release(ContentHash h) {
    referenced.remove(h);
    releasedAt.put(h, height);
    return this;
  }

  @Override
  public synchronized Future<ReferenceSnapshot> snapshot() {
    return Future.succeededFuture(new ReferenceSnapshot(height, referenced, releasedAt));
  }

  @Override
  public synchronized Future<Set<ContentHash>> stillReferenced(Collection<ContentHash> hashes) {
    TreeSet<ContentHash> out = new TreeSet<>();
    for (ContentHash h : hashes) {
      if (referenced.contains(h)) {
        out.add(h);
      }
    }
    return Future.succeededFuture(out);
  }
}
