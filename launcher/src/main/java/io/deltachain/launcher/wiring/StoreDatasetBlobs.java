package io.deltachain.launcher.wiring;

import io.deltachain.core.content.ContentHash;
import io.deltachain.round.data.DatasetBlobs;
import io.deltachain.store.client.DeltaStoreClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The round service's dataset blobs in the delta store: each round's train and eval sets are
 * uploaded there before StartRound, and trainers and validators fetch them by the hashes the
 * chain records ({@link StoreCheckpoints} fetches any blob by hash). The store's reply is checked:
 * a blob stored under another hash fails the upload, naming both.
 */
public final class StoreDatasetBlobs implements DatasetBlobs {
  private final DeltaStoreClient store;

  /** @param store the delta store trainers and validators fetch from */
  public StoreDatasetBlobs(DeltaStoreClient store) {
    this.store = store;
  }

  @Override
  public Future<Void> store(ContentHash hash, byte[] canonicalBytes) {
    return store.upload(Buffer.buffer(canonicalBytes)).compose(u -> u.hash().equals(hash)
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(new IllegalStateException("the delta store stored dataset " + hash.hex() + " as "
            + u.hash().hex())));
  }
}
