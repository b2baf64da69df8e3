package io.deltachain.launcher.wiring;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.trainer.service.DeltaUploader;
import io.vertx.core.Future;
import java.nio.file.Path;

/** The trainer's uploads go to the delta store's HTTP API; the store checks the hash. */
public final class StoreDeltaUploader implements DeltaUploader {
  private final DeltaStoreClient store;

  /** Over a delta-store client. */
  public StoreDeltaUploader(DeltaStoreClient store) {
    this.store = store;
  }

  @Override
  public Future<String> upload(Path file, ContentHash hash) {
    return store.upload(file, hash).map(u -> u.cid() == null ? "" : u.cid());
  }
}
