package io.deltachain.round.data;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the round service stores a round's filtered train set and its evaluation set before it
 * puts their hashes on chain: the delta store, from which trainers and validators fetch them by
 * hash. A blob's bytes are the canonical text of its documents (each followed by {@code '\n'},
 * UTF-8, {@link #canonicalBytes}), so its SHA-256 is {@link DatasetRegistry#hashOf}, the
 * {@code dataset_hash} / {@code eval_set_hash} of the StartRound.
 */
@FunctionalInterface
public interface DatasetBlobs {

  /**
   * Stores a dataset blob.
   *
   * @param hash the hash the bytes must have (the store refuses other bytes)
   * @param canonicalBytes the canonical text
   * @return completes once the blob can be fetched by hash; fails with the reason otherwise
   */
  Future<Void> store(ContentHash hash, byte[] canonicalBytes);

  /** The canonical bytes of documents: each as UTF-8 followed by {@code '\n'}. */
  static byte[] canonicalBytes(List<String> documents) {
    StringBuilder b = new StringBuilder();
    for (String d : documents) {
      b.append(d).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Blobs kept in memory: for a standalone round service on an in-memory chain (and tests), whose
   * trainers do not fetch from a delta store.
   */
  static InMemory inMemory() {
    return new InMemory();
  }

  /** Blobs kept in memory, readable back by hash. */
  final class InMemory implements DatasetBlobs {
    private final Map<ContentHash, byte[]> blobs = new ConcurrentHashMap<>();

    private InMemory() {
    }

    @Override
    public Future<Void> store(ContentHash hash, byte[] canonicalBytes) {
      if (!ContentHash.sha256(canonicalBytes).equals(hash)) {
        return Future.failedFuture(new IllegalArgumentException("dataset blob does not hash to " + hash.hex()));
      }
      blobs.put(hash, canonicalBytes.clone());
      return Future.succeededFuture();
    }

    /** The blob stored under a hash. */
    public Optional<byte[]> get(ContentHash hash) {
      return Optional.ofNullable(blobs.get(hash)).map(byte[]::clone);
    }

    /** How many blobs are stored. */
    public int size() {
      return blobs.size();
    }
  }
}
