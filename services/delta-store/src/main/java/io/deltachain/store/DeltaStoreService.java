package io.deltachain.store;

import io.deltachain.store.bus.EventBusApiVerticle;
import io.deltachain.store.gc.GarbageCollector;
import io.deltachain.store.gc.GcVerticle;
import io.deltachain.store.gc.ReferenceSource;
import io.deltachain.store.grpc.GrpcApiVerticle;
import io.deltachain.store.http.HttpApiVerticle;
import io.deltachain.store.ipfs.IpfsConfig;
import io.deltachain.store.ipfs.IpfsContentStore;
import io.deltachain.store.local.LocalContentStore;
import io.deltachain.store.policy.StorePolicy;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delta store as one deployable unit: opens the local store and any kubo stores, composes
 * them with {@link StorePolicy}, then deploys the HTTP, gRPC, event-bus and (when a
 * {@link ReferenceSource} is given and gc is enabled) garbage-collection verticles, in that order.
 */
public final class DeltaStoreService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaStoreService.class);

  private final DeltaStoreConfig config;
  private final ReferenceSource references;
  private final List<IpfsContentStore> ipfsStores = new ArrayList<>();
  private StorePolicy store;
  private HttpApiVerticle http;
  private GrpcApiVerticle grpc;
  private GcVerticle gc;

  /** A service without garbage collection source (gc must then be disabled). */
  public DeltaStoreService(DeltaStoreConfig config) {
    this(config, null);
  }

  public DeltaStoreService(DeltaStoreConfig config, ReferenceSource references) {
    this.config = config;
    this.references = references;
  }

  @Override
  public Future<?> start() {
    if (config.gcEnabled() && references == null) {
      return Future.failedFuture(new IllegalArgumentException(
          "gc.enabled is true but no ReferenceSource was given (the chain-backed one comes with the abci-app integration)"));
    }
    return LocalContentStore.open(vertx, config.local())
        .compose(local -> openIpfs(0).map(v -> local))
        .compose(local -> {
          store = new StorePolicy(vertx, local, List.copyOf(ipfsStores), config.policy());
          http = new HttpApiVerticle(store, config.http(), config.addresses().stored());
          return vertx.deployVerticle(http);
        })
        .compose(id -> {
          if (!config.grpcEnabled()) {
            return Future.succeededFuture();
          }
          grpc = new GrpcApiVerticle(store, config.grpcHost(), config.grpcPort(), config.http().maxUploadBytes(),
              config.policy().inlineMaxBytes(), config.addresses().stored());
          return vertx.deployVerticle(grpc);
        })
        .compose(id -> vertx.deployVerticle(new EventBusApiVerticle(store, config.addresses())))
        .compose(id -> {
          if (!config.gcEnabled()) {
            return Future.succeededFuture();
          }
          gc = new GcVerticle(new GarbageCollector(store, references, config.gcRetentionBlocks()), config.gcIntervalMillis(),
              config.addresses());
          return vertx.deployVerticle(gc);
        })
        .onSuccess(v -> LOG.info("delta store up: backend {}, HTTP port {}, gRPC port {}", store.name(), http.actualPort(),
            grpc == null ? "off" : grpc.actualPort()));
  }

  private Future<Void> openIpfs(int i) {
    if (i >= config.ipfs().size()) {
      return Future.succeededFuture();
    }
    IpfsConfig c = config.ipfs().get(i);
    return IpfsContentStore.open(vertx, c).compose(s -> {
      ipfsStores.add(s);
      return openIpfs(i + 1);
    });
  }

  @Override
  public Future<?> stop() {
    return Future.all(ipfsStores.stream().map(IpfsContentStore::close).toList());
  }

  /** The composed store. */
  public StorePolicy store() {
    return store;
  }

  /** The HTTP port bound. */
  public int httpPort() {
    return http.actualPort();
  }

  /** The gRPC port bound, or -1 when gRPC is off. */
  public int grpcPort() {
    return grpc == null ? -1 : grpc.actualPort();
  }

  /** The gc verticle, or null when gc is off. */
  public GcVerticle gc() {
    return gc;
  }
}
