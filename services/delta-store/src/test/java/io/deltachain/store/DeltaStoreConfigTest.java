package io.deltachain.store;

import static io.deltachain.store.TestSupport.await;
import static io.deltachain.store.TestSupport.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.tx.TxLimits;
import io.deltachain.store.ipfs.IpfsConfig;
import io.deltachain.store.ipfs.IpfsContentStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("Delta-store configuration and start-up checks")
class DeltaStoreConfigTest {
  @TempDir Path dir;

  @Test
  @DisplayName("defaults: local only, the project's inline threshold, gc off")
  void defaults() {
    DeltaStoreConfig c = DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dir.toString()));
    assertThat(c.ipfs()).isEmpty();
    assertThat(c.policy().inlineMaxBytes()).isEqualTo(TxLimits.INLINE_DELTA_MAX_BYTES);
    assertThat(c.http().port()).isEqualTo(8470);
    assertThat(c.gcEnabled()).isFalse();
    assertThat(c.local().verifyIntervalSeconds()).isEqualTo(600);
  }

  @Test
  @DisplayName("ipfs may be one daemon or several, each with its own index under the data directory")
  void ipfsEntries() {
    DeltaStoreConfig c = DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dir.toString())
        .put("ipfs", new JsonArray().add(new JsonObject().put("apiUrl", "http://127.0.0.1:5001"))
            .add(new JsonObject().put("apiUrl", "http://127.0.0.1:5002").put("timeoutSeconds", 5))));
    assertThat(c.ipfs()).hasSize(2);
    assertThat(c.ipfs().get(1).indexDir()).isEqualTo(dir.resolve("ipfs-index-1"));
    assertThat(c.policy().minReplicas()).isEqualTo(2);
  }

  @Test
  @DisplayName("the node's typed configuration from core maps onto the store's, and address overrides apply")
  void fromCoreAndOverrides() {
    var core = new io.deltachain.core.config.DeltaStoreConfig(dir, new io.deltachain.core.config.HttpConfig("127.0.0.1", 9000),
        1L << 30, 100_000);
    var ipfs = new io.deltachain.core.config.IpfsConfig(true, java.net.URI.create("http://127.0.0.1:5009"));
    DeltaStoreConfig c = DeltaStoreConfig.fromCore(core, ipfs);
    assertThat(c.http().port()).isEqualTo(9000);
    assertThat(c.http().maxUploadBytes()).isEqualTo(1L << 30);
    assertThat(c.policy().inlineMaxBytes()).isEqualTo(100_000);
    assertThat(c.ipfs()).singleElement().satisfies(i -> assertThat(i.apiUrl().getPort()).isEqualTo(5009));
    assertThat(DeltaStoreConfig.fromCore(core, new io.deltachain.core.config.IpfsConfig(false, ipfs.apiUrl())).ipfs()).isEmpty();

    DeltaStoreConfig staged = DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dir.toString())
        .put("addresses", new JsonObject().put("delta-store.stat", "staging.delta-store.stat")));
    assertThat(staged.addresses().stat()).isEqualTo("staging.delta-store.stat");
    assertThat(staged.addresses().exists()).isEqualTo("delta-store.exists");
  }

  @Test
  @DisplayName("bad values are refused with the key named")
  void badValues() {
    assertThatThrownBy(() -> DeltaStoreConfig.fromJson(new JsonObject())).hasMessageContaining("dataDir");
    assertThatThrownBy(() -> DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dir.toString())
        .put("ipfs", new JsonObject().put("apiUrl", "ftp://x")))).hasMessageContaining("ipfs.apiUrl");
    assertThatThrownBy(() -> DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dir.toString())
        .put("policy", new JsonObject().put("inlineMaxBytes", 2_000_000)))).hasMessageContaining("inlineMaxBytes");
    assertThatThrownBy(() -> DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dir.toString())
        .put("http", new JsonObject().put("port", 70000)))).hasMessageContaining("http.port");
    assertThatThrownBy(() -> DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dir.toString())
        .put("minFreeBytes", -1))).hasMessageContaining("minFreeBytes");
  }

  @Test
  @DisplayName("a kubo URL where nothing listens fails the start, naming the URL")
  void kuboUnreachable(Vertx vertx) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    StoreException e = (StoreException) awaitFailure(IpfsContentStore.open(vertx, IpfsConfig.of(url, dir.resolve("idx"))));
    assertThat(e.error()).isEqualTo(StoreError.BACKEND_UNAVAILABLE);
    assertThat(e.getMessage()).contains(url);
  }

  @Test
  @DisplayName("gc enabled without a reference source fails the service start with the reason")
  void gcWithoutSource(Vertx vertx) {
    DeltaStoreConfig c = DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dir.toString())
        .put("http", new JsonObject().put("port", 0)).put("grpc", new JsonObject().put("port", 0))
        .put("gc", new JsonObject().put("enabled", true)));
    Throwable t = awaitFailure(vertx.deployVerticle(new DeltaStoreService(c)));
    assertThat(t.getMessage()).contains("ReferenceSource");
    assertThat(await(vertx.deployVerticle(new DeltaStoreService(DeltaStoreConfig.localOnly(dir))))).isNotBlank();
  }
}
