package io.deltachain.store.gc;

import io.deltachain.core.content.ContentHash;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What chain state says about content at one height.
 *
 * @param height the block height this view was taken at
 * @param referenced every hash that chain state still references (pending, accepted deltas,
 *     checkpoints in the parameter index, evaluation sets, ...): never collected
 * @param releasedAt hashes that chain state referenced once and no longer does (rejected or
 *     expired deltas, superseded checkpoints), with the height at which they were released
 */
public record ReferenceSnapshot(long height, SortedSet<ContentHash> referenced, SortedMap<ContentHash, Long> releasedAt) {
  public ReferenceSnapshot(long height, Set<ContentHash> referenced, Map<ContentHash, Long> releasedAt) {
    this(height, (SortedSet<ContentHash>) new TreeSet<>(referenced), (SortedMap<ContentHash, Long>) new TreeMap<>(releasedAt));
  }

  public ReferenceSnapshot {
    if (height < 0) {
      throw new IllegalArgumentException("height must be >= 0, got " + height);
    }
    referenced = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(referenced));
    releasedAt = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(releasedAt));
  }
}
