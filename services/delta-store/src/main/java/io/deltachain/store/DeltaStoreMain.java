package io.deltachain.store;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a stand-alone delta store: {@code DeltaStoreMain <config.json>}. The project's launcher
 * deploys {@link DeltaStoreService} on the clustered Vert.x instead; this entry point is for
 * operators who want only the store, and for the benchmark.
 */
public final class DeltaStoreMain {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaStoreMain.class);

  private DeltaStoreMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: DeltaStoreMain <config.json>   (see docs/delta-store.md)");
      System.exit(2);
    }
    Path configFile = Paths.get(args[0]);
    DeltaStoreConfig config = DeltaStoreConfig.fromJson(new JsonObject(Files.readString(configFile)));
    Vertx vertx = Vertx.vertx();
    CountDownLatch stopped = new CountDownLatch(1);
    vertx.deployVerticle(new DeltaStoreService(config))
        .onFailure(t -> {
          LOG.error("delta store failed to start: {}", t.getMessage(), t);
          vertx.close().onComplete(v -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get();
      } catch (Exception e) {
        LOG.warn("shutdown: {}", e.toString());
      }
      stopped.countDown();
    }));
    stopped.await();
  }
}
