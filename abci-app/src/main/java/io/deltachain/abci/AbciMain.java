package io.deltachain.abci;

import io.deltachain.abci.ledger.LedgerApp;
import io.deltachain.abci.server.AbciServerVerticle;
import io.deltachain.abci.server.Halter;
import io.deltachain.abci.store.RocksStateStore;
import io.vertx.core.Vertx;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the deltachain ABCI application as its own process, beside a CometBFT node:
 *
 * <pre>
 * java -cp CLASSPATH io.deltachain.abci.AbciMain --listen 127.0.0.1:26658 --data /var/lib/deltachain/ledger --chain-id deltachain-1
 * </pre>
 *
 * Prints one line {@code abci-app ready on HOST:PORT height=H app_hash=X} once it listens.
 * An unrecoverable ledger error exits with status 70 after logging why; CometBFT then stops
 * too and both must be restarted (CometBFT replays the blocks the app has not committed).
 */
public final class AbciMain {
  private static final Logger LOG = LoggerFactory.getLogger(AbciMain.class);

  private AbciMain() {}

  public static void main(String[] args) {
    AbciConfig config;
    try {
      config = AbciConfig.fromArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("abci-app: " + e.getMessage());
      System.err.println("usage: AbciMain --data DIR [--listen HOST:PORT] [--chain-id ID]");
      System.exit(2);
      return;
    }
    RocksStateStore store;
    LedgerApp app;
    try {
      store = RocksStateStore.open(config.dataDir());
      app = new LedgerApp(store, config.chainId());
    } catch (RuntimeException e) {
      LOG.error("cannot open the ledger in {}", config.dataDir(), e);
      System.err.println("abci-app: " + e.getMessage());
      System.exit(1);
      return;
    }
    Vertx vertx = Vertx.vertx();
    AbciServerVerticle server = new AbciServerVerticle(app, config.host(), config.port(), Halter.systemExit());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (Halter.halting()) {
        return; // the ledger thread is the one exiting: nothing more to flush, commits are synced
      }
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown: {}", e.toString());
      }
      store.close();
    }, "abci-app-shutdown"));
    vertx.deployVerticle(server).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("cannot listen on {}:{}", config.host(), config.port(), ar.cause());
        System.err.println("abci-app: cannot listen on " + config.host() + ":" + config.port() + ": " + ar.cause().getMessage());
        System.exit(1);
      }
      System.out.println("abci-app ready on " + config.host() + ":" + server.actualPort() + " height=" + app.height()
          + " app_hash=" + HexFormat.of().formatHex(app.appHash()));
      System.out.flush();
    });
  }
}
