package io.deltachain.store.gc;

import static io.deltachain.store.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.PutOptions;
import io.deltachain.store.bus.DeltaStoreAddresses;
import io.deltachain.store.local.LocalContentStore;
import io.deltachain.store.local.LocalStoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("Garbage collection against chain references")
class GarbageCollectorTest {
  @TempDir Path dir;

  private static ContentHash put(Vertx vertx, LocalContentStore store, String text) {
    ReadStream<Buffer> src = new io.deltachain.store.io.BufferReadStream(Buffer.buffer(text));
    return await(store.put(src, PutOptions.NONE)).hash();
  }

  @Test
  @DisplayName("only content released more than the retention period ago is unpinned and removed")
  void retention(Vertx vertx) {
    LocalContentStore store = await(LocalContentStore.open(vertx, LocalStoreConfig.of(dir)));
    ContentHash accepted = put(vertx, store, "accepted delta");
    ContentHash rejectedLongAgo = put(vertx, store, "rejected long ago");
    ContentHash rejectedRecently = put(vertx, store, "rejected recently");
    ContentHash notYetOnChain = put(vertx, store, "uploaded, tx not committed yet");
    await(store.pin(rejectedLongAgo));
    await(store.pin(accepted));

    InMemoryReferenceSource chain = new InMemoryReferenceSource();
    chain.height(100).reference(accepted).reference(rejectedLongAgo).reference(rejectedRecently);
    chain.release(rejectedLongAgo);
    chain.height(195).release(rejectedRecently);
    chain.height(200);

    GarbageCollector.Report report = await(new GarbageCollector(store, chain, 100).run());
    assertThat(report.deleted()).containsExactly(rejectedLongAgo);
    assertThat(report.keptReferenced()).isEqualTo(1);
    assertThat(report.keptRetention()).isEqualTo(1);
    assertThat(report.keptUnknown()).isEqualTo(1);
    assertThat(await(store.list())).containsExactlyInAnyOrder(accepted, rejectedRecently, notYetOnChain);
    assertThat(await(store.stat(accepted)).pinned()).isTrue();

    chain.height(295);
    GarbageCollector.Report later = await(new GarbageCollector(store, chain, 100).run());
    assertThat(later.deleted()).containsExactly(rejectedRecently);
    assertThat(await(store.list())).containsExactlyInAnyOrder(accepted, notYetOnChain);
  }

  @Test
  @DisplayName("content referenced again between the snapshot and the deletion is kept")
  void reReferencedIsKept(Vertx vertx) {
    LocalContentStore store = await(LocalContentStore.open(vertx, LocalStoreConfig.of(dir)));
    ContentHash h = put(vertx, store, "resubmitted delta");
    InMemoryReferenceSource chain = new InMemoryReferenceSource();
    chain.height(10).reference(h).release(h);
    chain.height(1000);
    ReferenceSource racing = new ReferenceSource() {
      @Override
      public Future<ReferenceSnapshot> snapshot() {
        return chain.snapshot();
      }

      @Override
      public Future<Set<ContentHash>> stillReferenced(Collection<ContentHash> hashes) {
        chain.reference(h); // a new transaction references it while gc runs
        return chain.stillReferenced(hashes);
      }
    };
    GarbageCollector.Report report = await(new GarbageCollector(store, racing, 5).run());
    assertThat(report.deleted()).isEmpty();
    assertThat(await(store.exists(h))).isTrue();
  }

  @Test
  @DisplayName("a gc pass can be asked for on the event bus and answers its report")
  void onTheBus(Vertx vertx) {
    LocalContentStore store = await(LocalContentStore.open(vertx, LocalStoreConfig.of(dir)));
    ContentHash h = put(vertx, store, "expired delta");
    InMemoryReferenceSource chain = new InMemoryReferenceSource().height(1).reference(h).release(h).height(50);
    await(vertx.deployVerticle(new GcVerticle(new GarbageCollector(store, chain, 10), 0, DeltaStoreAddresses.DEFAULT)));
    JsonObject report = await(vertx.eventBus().<JsonObject>request(DeltaStoreAddresses.DEFAULT.gcRun(), new JsonObject())).body();
    assertThat(report.getJsonArray("deleted").getList()).containsExactly(h.hex());
    assertThat(await(store.exists(h))).isFalse();
  }
}
