package io.deltachain.store.client;

import static io.deltachain.store.TestSupport.await;
import static io.deltachain.store.TestSupport.awaitFailure;
import static io.deltachain.store.TestSupport.bytes;
import static io.deltachain.store.TestSupport.file;
import static io.deltachain.store.TestSupport.filesUnder;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.TxLimits;
import io.deltachain.store.ContentStat;
import io.deltachain.store.DeltaStoreConfig;
import io.deltachain.store.DeltaStoreService;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.deltachain.core.bus.DeltaStored;
import io.deltachain.core.bus.StatRequest;
import io.deltachain.store.bus.DeltaStoreAddresses;
import io.deltachain.store.grpc.proto.StatReply;
import io.deltachain.store.grpc.proto.UploadReply;
import io.deltachain.store.policy.StorePolicy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("The delta-store service through its Java clients (HTTP, gRPC) and the event bus")
class DeltaStoreServiceTest {
  @TempDir Path dir;
  private DeltaStoreService service;
  private DeltaStoreClient http;
  private DeltaStoreGrpcClient grpc;
  private Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    DeltaStoreConfig config = DeltaStoreConfig.fromJson(new JsonObject().put("dataDir", dir.resolve("data").toString())
        .put("http", new JsonObject().put("port", 0).put("maxUploadBytes", 4L << 20))
        .put("grpc", new JsonObject().put("port", 0)));
    service = new DeltaStoreService(config);
    await(vertx.deployVerticle(service));
    http = new DeltaStoreClient(vertx, "http://127.0.0.1:" + service.httpPort());
    grpc = new DeltaStoreGrpcClient(vertx, SocketAddress.inetSocketAddress(service.grpcPort(), "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    await(http.close());
    await(grpc.close());
  }

  @Test
  @DisplayName("the HTTP client uploads a file, and downloads it verified to a target that appears only when complete")
  void httpClientRoundTrip() {
    Path src = file(dir, "delta.bin", 2_500_000, 31);
    ContentHash hash = await(vertx().executeBlocking(() -> ContentHash.sha256(src)));
    Uploaded up = await(http.upload(src, hash));
    assertThat(up.hash()).isEqualTo(hash);
    assertThat(up.size()).isEqualTo(2_500_000);
    assertThat(up.cid()).isNull();

    Path target = dir.resolve("out/delta.bin");
    await(vertx().fileSystem().mkdirs(target.getParent().toString()));
    await(http.download(hash, target));
    assertThat(target).hasSameBinaryContentAs(src);
    assertThat(await(http.exists(hash))).isTrue();
    Optional<ContentStat> stat = await(http.stat(hash));
    assertThat(stat).isPresent();
    assertThat(stat.get().size()).isEqualTo(2_500_000);
    await(http.pin(hash));
    assertThat(await(http.stat(hash)).get().pinned()).isTrue();
    await(http.unpin(hash));
    assertThat(await(http.stat(hash)).get().pinned()).isFalse();
  }

  @Test
  @DisplayName("the HTTP client reports the server's errors with their kind, and leaves no file behind")
  void httpClientErrors() throws Exception {
    ContentHash unknown = ContentHash.sha256(new byte[] {42});
    Path target = dir.resolve("missing.bin");
    StoreException notFound = (StoreException) awaitFailure(http.download(unknown, target));
    assertThat(notFound.error()).isEqualTo(StoreError.NOT_FOUND);
    assertThat(notFound.getMessage()).contains(unknown.hex());
    assertThat(target).doesNotExist();
    assertThat(filesUnder(dir).stream().filter(p -> p.toString().endsWith(".part"))).isEmpty();
    assertThat(await(http.exists(unknown))).isFalse();
    assertThat(await(http.stat(unknown))).isEmpty();

    Path src = file(dir, "wrong.bin", 1000, 32);
    StoreException mismatch = (StoreException) awaitFailure(http.upload(src, unknown));
    assertThat(mismatch.error()).isEqualTo(StoreError.HASH_MISMATCH);
    assertThat(mismatch.getMessage()).contains(unknown.hex());

    Path big = file(dir, "big.bin", (4 << 20) + 1, 33);
    StoreException tooLarge = (StoreException) awaitFailure(http.upload(big));
    assertThat(tooLarge.error()).isEqualTo(StoreError.TOO_LARGE);

    // Stored content corrupted on disk: the client gets corrupt_content, not the bytes.
    Uploaded up = await(http.upload(Buffer.buffer(bytes(50_000, 34))));
    Path object = filesUnder(dir.resolve("data/objects")).get(0);
    try (RandomAccessFile raf = new RandomAccessFile(object.toFile(), "rw")) {
      raf.seek(10);
      raf.write(0x55 ^ raf.readByte());
    }
    StoreException corrupt = (StoreException) awaitFailure(http.download(up.hash(), dir.resolve("c.bin")));
    assertThat(corrupt.error()).isEqualTo(StoreError.CORRUPT_CONTENT);
    assertThat(dir.resolve("c.bin")).doesNotExist();
  }

  @Test
  @DisplayName("a delta up to the inline threshold comes back as bytes for the transaction; a larger one is uploaded")
  void placement() {
    Path small = file(dir, "small.bin", TxLimits.INLINE_DELTA_MAX_BYTES, 35);
    StorePolicy.Placement p = await(http.place(small));
    assertThat(p).isInstanceOf(StorePolicy.Inline.class);
    assertThat(((StorePolicy.Inline) p).bytes()).hasSize(TxLimits.INLINE_DELTA_MAX_BYTES);
    assertThat(await(http.exists(p.hash()))).as("inline deltas are not uploaded").isFalse();

    Path large = file(dir, "large.bin", TxLimits.INLINE_DELTA_MAX_BYTES + 1, 36);
    StorePolicy.Placement q = await(http.place(large));
    assertThat(q).isInstanceOf(StorePolicy.Stored.class);
    assertThat(await(http.exists(q.hash()))).isTrue();

    StorePolicy.Placement serverSide = await(service.store().place(large));
    assertThat(serverSide).isInstanceOf(StorePolicy.Stored.class);
    assertThat(await(service.store().place(small))).isInstanceOf(StorePolicy.Inline.class);
  }

  @Test
  @DisplayName("gRPC streams a file up in chunks and down verified, and maps errors to the store's error kinds")
  void grpcRoundTripAndErrors() {
    // Larger than vertx-grpc's 256 KiB default message limit many times over: chunking must work.
    Path src = file(dir, "grpc.bin", 3_300_000, 37);
    UploadReply reply = await(grpc.upload(src, null));
    ContentHash hash = ContentHash.parse(reply.getHash());
    assertThat(reply.getSize()).isEqualTo(3_300_000);
    Path target = dir.resolve("grpc-out.bin");
    await(grpc.download(hash, target));
    assertThat(target).hasSameBinaryContentAs(src);
    StatReply stat = await(grpc.stat(hash));
    assertThat(stat.getSize()).isEqualTo(3_300_000);

    ContentHash unknown = ContentHash.sha256(new byte[] {43});
    StoreException nf = (StoreException) awaitFailure(grpc.stat(unknown));
    assertThat(nf.error()).isEqualTo(StoreError.NOT_FOUND);
    StoreException nf2 = (StoreException) awaitFailure(grpc.download(unknown, dir.resolve("x.bin")));
    assertThat(nf2.error()).isEqualTo(StoreError.NOT_FOUND);
    assertThat(dir.resolve("x.bin")).doesNotExist();
    StoreException mismatch = (StoreException) awaitFailure(grpc.upload(src, unknown));
    assertThat(mismatch.error()).isEqualTo(StoreError.HASH_MISMATCH);
    assertThat(mismatch.getMessage()).contains(unknown.hex()).contains(hash.hex());
    Path big = file(dir, "grpc-big.bin", (4 << 20) + 1, 38);
    StoreException tooLarge = (StoreException) awaitFailure(grpc.upload(big, null));
    assertThat(tooLarge.error()).isEqualTo(StoreError.TOO_LARGE);
  }

  @Test
  @DisplayName("gRPC download of content corrupted on disk fails with corrupt_content and leaves no file")
  void grpcCorrupt() throws Exception {
    Path src = file(dir, "c.bin", 1_000_000, 39);
    ContentHash hash = ContentHash.parse(await(grpc.upload(src, null)).getHash());
    Path object = filesUnder(dir.resolve("data/objects")).get(0);
    try (RandomAccessFile raf = new RandomAccessFile(object.toFile(), "rw")) {
      raf.seek(999_000);
      raf.write(0x55 ^ raf.readByte());
    }
    StoreException e = (StoreException) awaitFailure(grpc.download(hash, dir.resolve("c-out.bin")));
    assertThat(e.error()).isEqualTo(StoreError.CORRUPT_CONTENT);
    assertThat(dir.resolve("c-out.bin")).doesNotExist();
  }

  @Test
  @DisplayName("stat and exists on the event bus follow core's contract, and fail with 404 or 400 naming the problem")
  void eventBus(Vertx vertx, VertxTestContext ctx) {
    Uploaded up = await(http.upload(Buffer.buffer("on the bus")));
    DeltaStoreAddresses a = DeltaStoreAddresses.DEFAULT;
    assertThat(a.stat()).isEqualTo(io.deltachain.core.bus.DeltaStoreAddresses.STAT);
    ContentHash unknown = ContentHash.sha256(new byte[] {44});
    Checkpoint replies = ctx.checkpoint(5);
    vertx.eventBus().<JsonObject>request(a.stat(), new StatRequest(up.hash()).toJson())
        .onComplete(ctx.succeeding(m -> ctx.verify(() -> {
          io.deltachain.core.bus.StatReply reply = io.deltachain.core.bus.StatReply.fromJson(m.body());
          assertThat(reply.sizeBytes()).isEqualTo(10);
          assertThat(reply.hash()).isEqualTo(up.hash());
          assertThat(reply.backend()).isEqualTo("local");
          replies.flag();
        })));
    vertx.eventBus().<Boolean>request(a.exists(), new StatRequest(up.hash()).toJson())
        .onComplete(ctx.succeeding(m -> ctx.verify(() -> {
          assertThat(m.body()).isTrue();
          replies.flag();
        })));
    vertx.eventBus().<Boolean>request(a.exists(), new StatRequest(unknown).toJson())
        .onComplete(ctx.succeeding(m -> ctx.verify(() -> {
          assertThat(m.body()).isFalse();
          replies.flag();
        })));
    vertx.eventBus().request(a.stat(), new StatRequest(unknown).toJson())
        .onComplete(ctx.failing(t -> ctx.verify(() -> {
          ReplyException re = (ReplyException) t;
          assertThat(re.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
          assertThat(re.failureCode()).isEqualTo(404);
          assertThat(StoreError.fromBusCode(re.failureCode())).isEqualTo(StoreError.NOT_FOUND);
          assertThat(re.getMessage()).contains(unknown.hex());
          replies.flag();
        })));
    vertx.eventBus().request(a.stat(), new JsonObject().put("hash", "not-a-hash"))
        .onComplete(ctx.failing(t -> ctx.verify(() -> {
          ReplyException re = (ReplyException) t;
          assertThat(StoreError.fromBusCode(re.failureCode())).isEqualTo(StoreError.BAD_REQUEST);
          assertThat(re.getMessage()).contains("hash");
          replies.flag();
        })));
  }

  @Test
  @DisplayName("every upload, HTTP or gRPC, is announced as DeltaStored on the event bus")
  void storedEvents(Vertx vertx, VertxTestContext ctx) {
    Path src = file(dir, "announced.bin", 300_000, 45);
    Checkpoint announced = ctx.checkpoint(2);
    vertx.eventBus().<JsonObject>consumer(io.deltachain.core.bus.DeltaStoreAddresses.DELTA_STORED, m -> ctx.verify(() -> {
      DeltaStored e = DeltaStored.fromJson(m.body());
      assertThat(e.sizeBytes()).isIn(300_000L, 5L);
      announced.flag();
    })).completion().onComplete(ctx.succeeding(v -> {
      http.upload(src).onFailure(ctx::failNow);
      grpc.upload(file(dir, "five.bin", 5, 46), null).onFailure(ctx::failNow);
    }));
  }

  private Vertx vertx() {
    return vertx;
  }
}
