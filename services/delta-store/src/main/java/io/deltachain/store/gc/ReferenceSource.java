package io.deltachain.store.gc;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Set;

/**
 * Where garbage collection learns which content chain state still needs. The chain-backed
 * implementation (ABCI queries against the ledger) comes with the abci-app integration; tests
 * and single-node setups use {@link InMemoryReferenceSource}.
 */
public interface ReferenceSource {
  /** A consistent view at the latest committed height. */
  Future<ReferenceSnapshot> snapshot();

  /**
   * Of the given hashes, those referenced now. Asked again right before deleting, so content
   * that became referenced after the snapshot (a delta resubmitted, a checkpoint reused) is kept.
   */
  Future<Set<ContentHash>> stillReferenced(Collection<ContentHash> hashes);
}
