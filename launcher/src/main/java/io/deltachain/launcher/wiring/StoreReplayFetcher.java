package io.deltachain.launcher.wiring;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.replay.ReplayTrace;
import io.deltachain.core.replay.StateHashes;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.validator.replay.StateFetcher;
import io.deltachain.validator.replay.TraceFetcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches replay traces (by the commitment on chain) and training states (by the hashes in the
 * trace) from the delta store, where the trainer uploaded them; the store is content-addressed
 * by SHA-256, which is exactly the commitment and the state hash. Blocking: call it from a worker.
 */
public final class StoreReplayFetcher implements TraceFetcher, StateFetcher {
  private final DeltaStoreClient store;
  private final Path dir;
  private final long timeoutSeconds;

  /**
   * @param store the delta store
   * @param dir where downloads are written (each is deleted after reading)
   * @param timeoutSeconds how long one download may take
   */
  public StoreReplayFetcher(DeltaStoreClient store, Path dir, long timeoutSeconds) {
    this.store = store;
    this.dir = dir;
    this.timeoutSeconds = timeoutSeconds;
  }

  @Override
  public ReplayTrace fetchTrace(ContentHash commitment) throws IOException {
    return ReplayTrace.decode(download(commitment, "trace"));
  }

  @Override
  public float[] fetch(ContentHash hash) throws IOException {
    return StateHashes.decode(download(hash, "state"));
  }

  private byte[] download(ContentHash hash, String kind) throws IOException {
    // A transfer can fail on a loaded machine (a connection closed under it): a missing state
    // counts against the trainer, so only the third failure in a row is reported.
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return downloadOnce(hash, kind);
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(500L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted downloading " + kind + " " + hash.hex(), ie);
        }
      }
    }
    throw last;
  }

  private byte[] downloadOnce(ContentHash hash, String kind) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(kind + "-" + hash.hex() + "-" + Thread.currentThread().getId() + ".bin");
    try {
      store.download(hash, target).toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
      return Files.readAllBytes(target);
    } catch (ExecutionException e) {
      throw new IOException("the delta store has no " + kind + " " + hash.hex() + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(kind + " " + hash.hex() + " not downloaded within " + timeoutSeconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted downloading " + kind + " " + hash.hex(), e);
    } finally {
      Files.deleteIfExists(target);
    }
  }
}
