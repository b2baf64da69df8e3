package io.deltachain.store.policy;

import static io.deltachain.store.TestSupport.await;
import static io.deltachain.store.TestSupport.awaitFailure;
import static io.deltachain.store.TestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.TxLimits;
import io.deltachain.store.ContentStore;
import io.deltachain.store.PutOptions;
import io.deltachain.store.PutResult;
import io.deltachain.store.RangeRequest;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.deltachain.store.io.BufferReadStream;
import io.deltachain.store.io.CollectingWriteStream;
import io.deltachain.store.local.LocalContentStore;
import io.deltachain.store.local.LocalStoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.junit5.VertxExtension;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("StorePolicy: replication, read-through cache, inline threshold")
class StorePolicyTest {
  @TempDir Path dir;

  private LocalContentStore local(Vertx vertx, String name) {
    return await(LocalContentStore.open(vertx, LocalStoreConfig.of(dir.resolve(name))));
  }

  private static ReadStream<Buffer> src(byte[] b) {
    return new BufferReadStream(Buffer.buffer(b));
  }

  @Test
  @DisplayName("a write lands in the primary and every replica")
  void replicates(Vertx vertx) {
    LocalContentStore primary = local(vertx, "p");
    LocalContentStore r1 = local(vertx, "r1");
    LocalContentStore r2 = local(vertx, "r2");
    StorePolicy policy = new StorePolicy(vertx, primary, List.of(r1, r2), StorePolicy.Config.defaults(2));
    PutResult r = await(policy.put(src(bytes(300_000, 51)), PutOptions.NONE));
    for (ContentStore s : List.of(primary, r1, r2)) {
      assertThat(await(s.exists(r.hash()))).as(s.name()).isTrue();
    }
  }

  @Test
  @DisplayName("content only a replica has is read through, verified, and kept in the primary")
  void readThrough(Vertx vertx) {
    LocalContentStore primary = local(vertx, "p");
    LocalContentStore remote = local(vertx, "remote");
    byte[] content = bytes(700_000, 52);
    PutResult r = await(remote.put(src(content), PutOptions.NONE));
    StorePolicy policy = new StorePolicy(vertx, primary, List.of(remote), StorePolicy.Config.defaults(1));
    Buffer got = Buffer.buffer();
    var cs = await(policy.get(r.hash(), RangeRequest.of(100, 1000)));
    await(cs.stream().pipeTo(new CollectingWriteStream(got)));
    assertThat(got.getBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 100, 1100));
    assertThat(await(primary.exists(r.hash()))).isTrue();

    StoreException missing = (StoreException) awaitFailure(policy.get(ContentHash.sha256(new byte[] {1}), null));
    assertThat(missing.error()).isEqualTo(StoreError.NOT_FOUND);
  }

  @Test
  @DisplayName("a write that reaches fewer replicas than required fails, naming the replica and its error")
  void replicaFailure(Vertx vertx) {
    LocalContentStore primary = local(vertx, "p");
    ContentStore broken = (ContentStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ContentStore.class},
        (proxy, m, args) -> m.getName().equals("name") ? "broken-ipfs"
            : Future.failedFuture(new StoreException(StoreError.BACKEND_UNAVAILABLE, "kubo is down")));
    StorePolicy strict = new StorePolicy(vertx, primary, List.of(broken), StorePolicy.Config.defaults(1));
    StoreException e = (StoreException) awaitFailure(strict.put(src(bytes(1000, 53)), PutOptions.NONE));
    assertThat(e.error()).isEqualTo(StoreError.BACKEND_UNAVAILABLE);
    assertThat(e.getMessage()).contains("broken-ipfs").contains("kubo is down").contains("0 of 1");

    StorePolicy lenient = new StorePolicy(vertx, primary, List.of(broken),
        new StorePolicy.Config(TxLimits.INLINE_DELTA_MAX_BYTES, 0, true));
    assertThat(await(lenient.put(src(bytes(1000, 54)), PutOptions.NONE)).size()).isEqualTo(1000);
  }

  @Test
  @DisplayName("the inline threshold cannot exceed what fits in a transaction")
  void thresholdBounds() {
    assertThat(StorePolicy.Config.defaults(0).inlineMaxBytes()).isEqualTo(TxLimits.INLINE_DELTA_MAX_BYTES);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StorePolicy.Config(TxLimits.MAX_TX_BYTES, 0, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inlineMaxBytes");
  }
}
