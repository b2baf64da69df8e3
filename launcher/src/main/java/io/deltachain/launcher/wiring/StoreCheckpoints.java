package io.deltachain.launcher.wiring;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.core.content.ContentHash;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.trainer.model.LayerCheckpoints;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Content fetched by hash from the delta store: layer checkpoints, with the CID the chain recorded
 * for the checkpoint when there is one (so a store that has not seen it can fetch it over IPFS),
 * and a round's train and eval sets. The store client verifies the bytes' SHA-256 and the caller
 * checks it again. Blocking: called on training and validation worker threads, never on an event
 * loop.
 */
public final class StoreCheckpoints implements LayerCheckpoints.BlobSource {
  private static final long TIMEOUT_SECONDS = 120;

  private final DeltaStoreClient store;
  private final ChainClient chain;
  private final Path dir;

  /**
   * @param store the delta store
   * @param chain a node to look up the checkpoint's CID on (null: fetch by hash only)
   * @param dir where downloads are staged (each file is deleted once read)
   */
  public StoreCheckpoints(DeltaStoreClient store, ChainClient chain, Path dir) {
    this.store = store;
    this.chain = chain;
    this.dir = dir;
  }

  @Override
  public byte[] fetch(ContentHash hash) throws IOException {
    String cid = null;
    if (chain != null) {
      try {
        cid = await(chain.queryJson("/checkpoint/" + hash.hex()), hash).getString("cid");
      } catch (IOException e) {
        cid = null; // not a checkpoint the chain knows by CID: the store may still hold it by hash
      }
    }
    Files.createDirectories(dir);
    Path target = dir.resolve(hash.hex() + "-" + Thread.currentThread().getId() + ".blob");
    try {
      await(store.download(hash, cid == null || cid.isEmpty() ? null : cid, target), hash);
      return Files.readAllBytes(target);
    } finally {
      Files.deleteIfExists(target);
    }
  }

  private static <T> T await(Future<T> f, ContentHash hash) throws IOException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException("fetching " + hash.hex() + " from the delta store failed: " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("fetching " + hash.hex() + " from the delta store timed out after " + TIMEOUT_SECONDS
          + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + hash.hex() + " from the delta store", e);
    }
  }
}
