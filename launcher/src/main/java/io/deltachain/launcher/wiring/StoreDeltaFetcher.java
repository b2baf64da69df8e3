package io.deltachain.launcher.wiring;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.validator.service.DeltaFetcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gets a delta's file: the inline bytes of the transaction when it carries them, else a download
 * from the delta store by content hash (and CID). The validator verifies the hash itself.
 */
public final class StoreDeltaFetcher implements DeltaFetcher {
  private final Vertx vertx;
  private final DeltaStoreClient store;
  private final Path dir;

  /** Writes fetched files under {@code dir}. */
  public StoreDeltaFetcher(Vertx vertx, DeltaStoreClient store, Path dir) {
    this.vertx = vertx;
    this.store = store;
    this.dir = dir;
  }

  @Override
  public Future<Path> fetch(SubmitDelta tx) {
    ContentHash hash = ContentHash.of(tx.getContentHash().toByteArray());
    Path target = dir.resolve(hash.hex() + ".safetensors");
    if (!tx.getInlineDelta().isEmpty()) {
      return vertx.executeBlocking(() -> {
        Files.createDirectories(dir);
        return Files.write(target, tx.getInlineDelta().toByteArray());
      });
    }
    return vertx.executeBlocking(() -> Files.createDirectories(dir))
        .compose(d -> store.download(hash, tx.getCid(), target));
  }
}
