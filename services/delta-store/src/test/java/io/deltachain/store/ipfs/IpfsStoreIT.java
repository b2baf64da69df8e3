package io.deltachain.store.ipfs;

import static io.deltachain.store.TestSupport.await;
import static io.deltachain.store.TestSupport.awaitFailure;
import static io.deltachain.store.TestSupport.bytes;
import static io.deltachain.store.TestSupport.deleteTree;
import static io.deltachain.store.TestSupport.filesUnder;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.ContentStat;
import io.deltachain.store.ContentStream;
import io.deltachain.store.PutOptions;
import io.deltachain.store.PutResult;
import io.deltachain.store.RangeRequest;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.deltachain.store.http.HttpApiConfig;
import io.deltachain.store.http.HttpApiVerticle;
import io.deltachain.store.local.LocalContentStore;
import io.deltachain.store.local.LocalStoreConfig;
import io.deltachain.store.policy.StorePolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The IPFS store against two real kubo daemons that this test initialises and starts on
 * loopback (own repos, no bootstrap peers, no routing) and peers with swarm/connect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("IPFS store against real kubo daemons on loopback")
class IpfsStoreIT {
  private Path tmp;
  private Vertx vertx;
  private KuboProcess kuboA;
  private KuboProcess kuboB;
  private IpfsContentStore storeA;
  private IpfsContentStore storeB;

  @BeforeAll
  void startDaemons() throws Exception {
    tmp = Files.createTempDirectory("ipfs-store-it");
    Path binary = KuboBinary.path();
    kuboA = KuboProcess.start(binary, tmp.resolve("kubo-a"));
    kuboB = KuboProcess.start(binary, tmp.resolve("kubo-b"));
    kuboA.connect(kuboB);
    vertx = Vertx.vertx();
    storeA = await(IpfsContentStore.open(vertx, IpfsConfig.of(kuboA.apiUrl(), tmp.resolve("index-a"))));
    storeB = await(IpfsContentStore.open(vertx, IpfsConfig.of(kuboB.apiUrl(), tmp.resolve("index-b"))));
  }

  @AfterAll
  void stopDaemons() throws Exception {
    try {
      if (vertx != null) {
        await(vertx.close());
      }
    } finally {
      if (kuboA != null) {
        kuboA.close();
      }
      if (kuboB != null) {
        kuboB.close();
      }
      deleteTree(tmp);
    }
  }

  private PutResult put(IpfsContentStore store, byte[] content, PutOptions options) {
    return await(store.put(stream(content), options));
  }

  private ReadStream<Buffer> stream(byte[] content) {
    // A real stream with back pressure: the bytes come from a file.
    try {
      Path f = Files.createTempFile(tmp, "src", ".bin");
      Files.write(f, content);
      var file = await(vertx.fileSystem().open(f.toString(), new io.vertx.core.file.OpenOptions().setRead(true)));
      file.pause();
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private byte[] read(ContentStream cs) {
    Buffer all = Buffer.buffer();
    await(cs.stream().pipeTo(new io.deltachain.store.io.CollectingWriteStream(all)));
    cs.close();
    return all.getBytes();
  }

  @Test
  @DisplayName("add through our store gives CIDv1 raw leaves; cat gives the bytes back; kubo has it pinned")
  void addCatPin() {
    byte[] hello = "hello world".getBytes();
    PutResult small = put(storeA, hello, PutOptions.NONE);
    // A single raw block: the CID is the documented CIDv1 of "hello world".
    assertThat(small.cid()).isEqualTo("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    assertThat(small.hash()).isEqualTo(ContentHash.sha256(hello));

    byte[] big = bytes(3_500_000, 21);
    PutResult r = put(storeA, big, PutOptions.NONE);
    assertThat(r.size()).isEqualTo(big.length);
    assertThat(r.cid()).startsWith("bafy");
    assertThat(read(await(storeA.get(r.hash(), null)))).isEqualTo(big);

    ContentStat stat = await(storeA.stat(r.hash()));
    assertThat(stat.pinned()).isTrue();
    assertThat(stat.cid()).isEqualTo(r.cid());
    JsonObject pins = kuboA.rpc("pin/ls", Map.of("arg", r.cid(), "type", "recursive"));
    assertThat(pins.getJsonObject("Keys").fieldNames()).contains(r.cid());

    await(storeA.unpin(r.hash()));
    assertThat(await(storeA.stat(r.hash())).pinned()).isFalse();
    await(storeA.unpin(r.hash()));
    await(storeA.pin(r.hash()));
    assertThat(await(storeA.stat(r.hash())).pinned()).isTrue();
  }

  private String onlyHashCid(byte[] content) {
    try {
      Path f = Files.createTempFile(tmp, "only-hash", ".bin");
      Files.write(f, content);
      return kuboA.cli("add", "-Q", "--only-hash", "--cid-version=1", "--raw-leaves",
          "--chunker=" + IpfsConfig.DEFAULT_CHUNKER, f.toString()).trim();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("ranges are read with cat offset/length, and out-of-range requests are refused")
  void ranges() {
    byte[] big = bytes(2_500_000, 22);
    PutResult r = put(storeA, big, PutOptions.NONE);
    ContentStream cs = await(storeA.get(r.hash(), RangeRequest.of(1_048_000, 5000)));
    assertThat(read(cs)).isEqualTo(java.util.Arrays.copyOfRange(big, 1_048_000, 1_053_000));
    Throwable t = awaitFailure(storeA.get(r.hash(), RangeRequest.of(2_500_000, 1)));
    assertThat(((StoreException) t).error()).isEqualTo(StoreError.RANGE_NOT_SATISFIABLE);
  }

  @Test
  @DisplayName("a declared hash mismatch records nothing and leaves nothing pinned; too large is refused")
  void badInput() {
    byte[] content = bytes(400_000, 23);
    ContentHash wrong = ContentHash.sha256(new byte[] {7});
    Throwable t = awaitFailure(storeA.put(stream(content), PutOptions.NONE.withExpectedHash(wrong)));
    assertThat(((StoreException) t).error()).isEqualTo(StoreError.HASH_MISMATCH);
    assertThat(t.getMessage()).contains(wrong.hex()).contains(ContentHash.sha256(content).hex());
    ContentHash actual = ContentHash.sha256(content);
    assertThat(await(storeA.exists(actual))).isFalse();
    assertThat(await(storeA.list())).doesNotContain(actual);
    // Only-hash gives the CID kubo would have used; it must not be pinned.
    String cidOfContent = onlyHashCid(content);
    assertThat(kuboA.rpc("pin/ls", Map.of("type", "recursive")).getJsonObject("Keys").fieldNames())
        .doesNotContain(cidOfContent);

    Throwable big = awaitFailure(storeA.put(stream(bytes(300_000, 24)), PutOptions.NONE.withMaxBytes(100_000)));
    assertThat(((StoreException) big).error()).isEqualTo(StoreError.TOO_LARGE);

    Throwable unknown = awaitFailure(storeA.get(ContentHash.sha256(new byte[] {8}), null));
    assertThat(((StoreException) unknown).error()).isEqualTo(StoreError.NOT_FOUND);
  }

  @Test
  @DisplayName("content added on one daemon is read through the other, peered on loopback, by its CID")
  void peeredReadByCid() {
    byte[] content = bytes(3_000_000, 25);
    PutResult onA = put(storeA, content, PutOptions.NONE);
    assertThat(await(storeB.exists(onA.hash()))).isFalse();

    ContentStat linked = await(storeB.link(onA.hash(), onA.cid()));
    assertThat(linked.size()).isEqualTo(content.length);
    assertThat(read(await(storeB.get(onA.hash(), null)))).isEqualTo(content);
    await(storeB.pin(onA.hash()));
    ContentStat onB = await(storeB.stat(onA.hash()));
    assertThat(onB.pinned()).isTrue();
    assertThat(onB.cid()).isEqualTo(onA.cid());
  }

  @Test
  @DisplayName("a CID that does not hold the content its hash names (a lying chain record) is detected, never served whole")
  void wrongCidForHash() {
    byte[] real = bytes(900_000, 28);
    byte[] other = bytes(900_000, 29);
    PutResult otherOnA = put(storeA, other, PutOptions.NONE);
    ContentHash claimed = ContentHash.sha256(real);
    await(storeB.link(claimed, otherOnA.cid()));

    ContentStream cs = await(storeB.get(claimed, null));
    Throwable t = awaitFailure(cs.stream().pipeTo(new io.deltachain.store.io.CollectingWriteStream(Buffer.buffer())));
    cs.close();
    assertThat(((StoreException) t).error()).isEqualTo(StoreError.CORRUPT_CONTENT);
    assertThat(t.getMessage()).contains(claimed.hex());

    // Over HTTP the response is cut before its end, so the client never gets a complete body.
    HttpApiVerticle api = new HttpApiVerticle(storeB, new HttpApiConfig("127.0.0.1", 0, 1L << 30, 1000));
    String id = await(vertx.deployVerticle(api));
    HttpClient client = vertx.createHttpClient();
    try {
      Throwable cut = awaitFailure(client.request(HttpMethod.GET, api.actualPort(), "127.0.0.1", "/deltas/" + claimed.hex())
          .compose(req -> req.send()).compose(resp -> resp.body()));
      assertThat(cut).isNotNull();
    } finally {
      await(client.close());
      await(vertx.undeploy(id));
    }

    // Through the policy, the read-through copy into the local disk refuses the bytes.
    LocalContentStore localB = await(LocalContentStore.open(vertx, LocalStoreConfig.of(tmp.resolve("lying-b"))));
    StorePolicy nodeB = new StorePolicy(vertx, localB, List.of(storeB), StorePolicy.Config.defaults(1));
    StoreException viaPolicy = (StoreException) awaitFailure(nodeB.get(claimed, null));
    assertThat(viaPolicy.error()).isIn(StoreError.HASH_MISMATCH, StoreError.CORRUPT_CONTENT);
    assertThat(await(localB.exists(claimed))).isFalse();
    assertThat(filesUnder(localB.tempDir())).isEmpty();
  }

  @Test
  @DisplayName("a client that disconnects mid-upload through the HTTP API leaves no pin and no index entry in kubo")
  void disconnectMidUpload() throws Exception {
    java.util.Set<String> pinsBefore = kuboA.rpc("pin/ls", Map.of("type", "recursive")).getJsonObject("Keys").fieldNames();
    List<ContentHash> indexBefore = await(storeA.list());
    io.vertx.core.Promise<Throwable> putFailed = io.vertx.core.Promise.promise();
    // The same store, reporting when a put fails, so the test knows the abort was processed.
    io.deltachain.store.ContentStore watched = (io.deltachain.store.ContentStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {io.deltachain.store.ContentStore.class}, (proxy, m, args) -> {
          Object r = m.invoke(storeA, args);
          if (m.getName().equals("put")) {
            ((Future<?>) r).onFailure(putFailed::tryComplete);
          }
          return r;
        });
    HttpApiVerticle api = new HttpApiVerticle(watched, new HttpApiConfig("127.0.0.1", 0, 1L << 30, 1000));
    String id = await(vertx.deployVerticle(api));
    try {
      io.vertx.core.net.NetSocket socket = await(vertx.createNetClient().connect(api.actualPort(), "127.0.0.1"));
      await(socket.write("POST /deltas HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 6000000\r\n\r\n"));
      await(socket.write(Buffer.buffer(bytes(2_000_000, 30))));
      await(socket.close());
      Throwable why = await(putFailed.future());
      assertThat(((StoreException) why).error()).isEqualTo(StoreError.INCOMPLETE_UPLOAD);
      assertThat(await(storeA.list())).isEqualTo(indexBefore);
      assertThat(kuboA.rpc("pin/ls", Map.of("type", "recursive")).getJsonObject("Keys").fieldNames())
          .isEqualTo(pinsBefore);
    } finally {
      await(vertx.undeploy(id));
    }
  }

  @Test
  @DisplayName("the policy replicates local uploads to IPFS, and a second node reads them through into its own disk")
  void policyReplicationAndReadThrough() throws Exception {
    LocalContentStore localA = await(LocalContentStore.open(vertx, LocalStoreConfig.of(tmp.resolve("local-a"))));
    LocalContentStore localB = await(LocalContentStore.open(vertx, LocalStoreConfig.of(tmp.resolve("local-b"))));
    StorePolicy nodeA = new StorePolicy(vertx, localA, List.of(storeA), StorePolicy.Config.defaults(1));
    StorePolicy nodeB = new StorePolicy(vertx, localB, List.of(storeB), StorePolicy.Config.defaults(1));

    byte[] content = bytes(2_000_000, 26);
    PutResult r = await(nodeA.put(stream(content), PutOptions.NONE));
    assertThat(r.cid()).isNotNull();
    assertThat(await(localA.exists(r.hash()))).isTrue();
    assertThat(await(storeA.stat(r.hash())).cid()).isEqualTo(r.cid());

    await(nodeB.link(r.hash(), r.cid()));
    assertThat(await(localB.exists(r.hash()))).isFalse();
    assertThat(read(await(nodeB.get(r.hash(), RangeRequest.of(10, 100)))))
        .isEqualTo(java.util.Arrays.copyOfRange(content, 10, 110));
    assertThat(await(localB.exists(r.hash()))).as("cached on B's disk").isTrue();
    assertThat(Files.size(localB.objectPath(r.hash()))).isEqualTo(content.length);
  }

  @Test
  @DisplayName("the HTTP API over an IPFS-backed policy answers the CID and serves content named on chain by hash and CID")
  void httpOverIpfs() {
    LocalContentStore localA = await(LocalContentStore.open(vertx, LocalStoreConfig.of(tmp.resolve("http-a"))));
    LocalContentStore localB = await(LocalContentStore.open(vertx, LocalStoreConfig.of(tmp.resolve("http-b"))));
    HttpApiVerticle apiA = new HttpApiVerticle(new StorePolicy(vertx, localA, List.of(storeA), StorePolicy.Config.defaults(1)),
        new HttpApiConfig("127.0.0.1", 0, 1L << 30, 1000));
    HttpApiVerticle apiB = new HttpApiVerticle(new StorePolicy(vertx, localB, List.of(storeB), StorePolicy.Config.defaults(1)),
        new HttpApiConfig("127.0.0.1", 0, 1L << 30, 1000));
    String idA = await(vertx.deployVerticle(apiA));
    String idB = await(vertx.deployVerticle(apiB));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1"));
    try {
      byte[] content = bytes(1_500_000, 27);
      JsonObject up = await(client.request(HttpMethod.POST, apiA.actualPort(), "127.0.0.1", "/deltas")
          .compose(req -> req.send(Buffer.buffer(content))).compose(resp -> resp.body()).map(Buffer::toJsonObject));
      assertThat(up.getString("cid")).isNotBlank();
      String hash = up.getString("hash");

      Buffer viaB = await(client.request(HttpMethod.GET, apiB.actualPort(), "127.0.0.1",
              "/deltas/" + hash + "?cid=" + up.getString("cid"))
          .compose(req -> req.send()).compose(resp -> {
            assertThat(resp.statusCode()).isEqualTo(200);
            return resp.body();
          }));
      assertThat(viaB.getBytes()).isEqualTo(content);
    } finally {
      await(client.close());
      await(vertx.undeploy(idA));
      await(vertx.undeploy(idB));
    }
  }
}
