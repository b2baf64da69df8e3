package io.deltachain.store.gc;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.ContentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes content that chain state released at least {@code retentionBlocks} blocks ago and
 * that nothing references: it is unpinned, then deleted, one hash at a time. Content the chain
 * still references, content released too recently, and content the chain never mentioned
 * (uploads whose transaction is not committed yet) are kept. Every candidate is checked once
 * more with {@link ReferenceSource#stillReferenced} right before deletion.
 */
public final class GarbageCollector {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

  /**
   * What one pass did.
   *
   * @param height the chain height it judged by
   * @param examined hashes found in the store
   * @param deleted hashes removed
   * @param keptReferenced hashes kept because chain state references them
   * @param keptRetention hashes released but still inside the retention period
   * @param keptUnknown hashes the chain never mentioned
   * @param failed hashes whose removal failed (retried on the next pass)
   */
  public record Report(long height, int examined, List<ContentHash> deleted, int keptReferenced, int keptRetention,
      int keptUnknown, List<ContentHash> failed) {
    /** JSON for logs and the event bus. */
    public JsonObject toJson() {
      JsonArray d = new JsonArray();
      deleted.forEach(h -> d.add(h.hex()));
      JsonArray f = new JsonArray();
      failed.forEach(h -> f.add(h.hex()));
      return new JsonObject().put("height", height).put("examined", examined).put("deleted", d)
          .put("keptReferenced", keptReferenced).put("keptRetention", keptRetention).put("keptUnknown", keptUnknown)
          .put("failed", f);
    }
  }

  private final ContentStore store;
  private final ReferenceSource source;
  private final long retentionBlocks;

  public GarbageCollector(ContentStore store, ReferenceSource source, long retentionBlocks) {
    if (retentionBlocks < 0) {
      throw new IllegalArgumentException("gc.retentionBlocks must be >= 0, got " + retentionBlocks);
    }
    this.store = store;
    this.source = source;
    this.retentionBlocks = retentionBlocks;
  }

  /** One pass. */
  public Future<Report> run() {
    return source.snapshot().compose(snap -> store.list().compose(stored -> {
      List<ContentHash> candidates = new ArrayList<>();
      int referenced = 0;
      int retention = 0;
      int unknown = 0;
      for (ContentHash h : stored) {
        Long released = snap.releasedAt().get(h);
        if (snap.referenced().contains(h)) {
          referenced++;
        } else if (released == null) {
          unknown++;
        } else if (snap.height() - released < retentionBlocks) {
          retention++;
        } else {
          candidates.add(h);
        }
      }
      int keptReferenced = referenced;
      int keptRetention = retention;
      int keptUnknown = unknown;
      return source.stillReferenced(candidates).compose(now -> {
        List<ContentHash> doomed = new ArrayList<>();
        for (ContentHash h : candidates) {
          if (!now.contains(h)) {
            doomed.add(h);
          }
        }
        int rescued = candidates.size() - doomed.size();
        List<ContentHash> deleted = new ArrayList<>();
        List<ContentHash> failed = new ArrayList<>();
        return removeAll(doomed, 0, deleted, failed).map(v -> new Report(snap.height(), stored.size(), deleted,
            keptReferenced + rescued, keptRetention, keptUnknown, failed));
      });
    })).onSuccess(r -> {
      if (!r.deleted().isEmpty() || !r.failed().isEmpty()) {
        LOG.info("gc at height {}: removed {} of {} ({} failed)", r.height(), r.deleted().size(), r.examined(), r.failed().size());
      }
    });
  }

  private Future<Void> removeAll(List<ContentHash> doomed, int i, List<ContentHash> deleted, List<ContentHash> failed) {
    if (i >= doomed.size()) {
      return Future.succeededFuture();
    }
    ContentHash h = doomed.get(i);
    return store.unpin(h).compose(v -> store.delete(h)).transform(ar -> {
      if (ar.succeeded()) {
        deleted.add(h);
      } else {
        LOG.warn("gc could not remove {}: {}", h.hex(), ar.cause().getMessage());
        failed.add(h);
      }
      return removeAll(doomed, i + 1, deleted, failed);
    });
  }
}
