package io.deltachain.launcher.demo;

import io.deltachain.store.DeltaStoreConfig;
import io.deltachain.store.DeltaStoreService;
import io.deltachain.store.ipfs.KuboProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The devnet's delta store with a kubo daemon behind it: kubo is started on loopback
 * ({@link KuboProcess}: own repo, test profile, no bootstrap peers, no routing) and the store
 * replicates every upload to it, so deltas and checkpoints get IPFS CIDs on chain. When kubo
 * cannot start (binary missing or broken, daemon not ready in time) or the store cannot reach
 * it, the store runs on its local backend alone and a note says so: the network still works,
 * only without CIDs.
 *
 * <p>{@code -Ddeltachain.devnet.kubo=false} skips kubo on purpose.
 */
public final class DevnetKubo {
  /** System property that turns kubo off ({@code false}); on by default. */
  public static final String PROPERTY = "deltachain.devnet.kubo";

  private DevnetKubo() {}

  /**
   * The deployed store and the kubo daemon behind it.
   *
   * @param service the deployed delta store
   * @param kubo the daemon the store replicates to, or null when the store is local only
   */
  public record Store(DeltaStoreService service, KuboProcess kubo) {}

  /**
   * Starts kubo (unless turned off) and deploys the delta store on {@code vertx}, backed by it
   * when it runs, on its local backend alone otherwise. Blocking: call it from a main or test
   * thread. {@code say} receives one line per decision.
   *
   * @param ipfsBinary where the pinned {@code ipfs} binary is (may throw when it cannot be found)
   * @param kuboRepo the kubo repo directory (created; removed when the daemon is closed)
   */
  public static Store deployStore(Vertx vertx, Path dataDir, Supplier<Path> ipfsBinary, Path kuboRepo,
      Consumer<String> say) {
    KuboProcess kubo = startKubo(ipfsBinary, kuboRepo, say);
    if (kubo != null) {
      DeltaStoreService service = new DeltaStoreService(config(dataDir, kubo.apiUrl()));
      try {
        Devnet.await(vertx.deployVerticle(service), 60);
        say.accept("delta store on http://127.0.0.1:" + service.httpPort() + ", replicating to kubo at "
            + kubo.apiUrl() + " (deltas and checkpoints get CIDs)");
        return new Store(service, kubo);
      } catch (RuntimeException e) {
        kubo.close();
        say.accept("note: the delta store could not use kubo (" + firstLine(e) + "); it runs on its local"
            + " backend only, so deltas and checkpoints get no CIDs");
      }
    }
    DeltaStoreService service = new DeltaStoreService(DeltaStoreConfig.localOnly(dataDir));
    Devnet.await(vertx.deployVerticle(service), 60);
    say.accept("delta store on http://127.0.0.1:" + service.httpPort() + " (local content-addressed backend only)");
    return new Store(service, null);
  }

  /** The store's configuration: local data, HTTP and gRPC on free loopback ports, one kubo replica. */
  static DeltaStoreConfig config(Path dataDir, String kuboApiUrl) {
    return DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dataDir.toString())
        .put("http", new JsonObject().put("port", 0)).put("grpc", new JsonObject().put("port", 0))
        .put("ipfs", new JsonObject().put("apiUrl", kuboApiUrl)));
  }

  /** The daemon, or null (with a note) when it is turned off or cannot start. */
  static KuboProcess startKubo(Supplier<Path> ipfsBinary, Path repo, Consumer<String> say) {
    if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))) {
      say.accept("note: kubo turned off (-D" + PROPERTY + "=false); the delta store runs on its local backend only,"
          + " so deltas and checkpoints get no CIDs");
      return null;
    }
    try {
      Path binary = ipfsBinary.get();
      say.accept("starting kubo " + binary + " on loopback (repo " + repo + ")...");
      return KuboProcess.start(binary, repo);
    } catch (RuntimeException e) {
      say.accept("note: kubo could not start (" + firstLine(e) + "); the delta store runs on its local backend"
          + " only, so deltas and checkpoints get no CIDs");
      return null;
    }
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
