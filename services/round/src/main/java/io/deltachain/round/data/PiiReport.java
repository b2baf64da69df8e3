package io.deltachain.round.data;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Counts of what the filter found, per category, over the documents of a round. */
public final class PiiReport {
  private final Map<PiiCategory, Long> counts = new EnumMap<>(PiiCategory.class);
  private long documents;
  private long dropped;

  /** Adds one document's result. */
  public synchronized void add(PiiFilter.Result r) {
    documents++;
    if (r.dropped()) {
      dropped++;
    }
    r.counts().forEach((c, n) -> counts.merge(c, (long) n, Long::sum));
  }

  /** Findings of this category so far. */
  public synchronized long count(PiiCategory c) {
    return counts.getOrDefault(c, 0L);
  }

  /** Documents filtered. */
  public synchronized long documents() {
    return documents;
  }

  /** Documents dropped. */
  public synchronized long dropped() {
    return dropped;
  }

  /** {@code {"documents":n,"dropped":n,"counts":{"email":n,...}}}, every category listed. */
  public synchronized JsonObject toJson() {
    JsonObject c = new JsonObject();
    for (PiiCategory cat : PiiCategory.values()) {
      c.put(cat.name().toLowerCase(Locale.ROOT), counts.getOrDefault(cat, 0L));
    }
    return new JsonObject().put("documents", documents).put("dropped", dropped).put("counts", c);
  }
}
