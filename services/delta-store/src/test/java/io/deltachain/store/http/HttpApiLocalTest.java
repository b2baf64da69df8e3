package io.deltachain.store.http;

import static io.deltachain.store.TestSupport.await;
import static io.deltachain.store.TestSupport.bytes;
import static io.deltachain.store.TestSupport.bytesUnder;
import static io.deltachain.core.testing.Waits.eventually;
import static io.deltachain.store.TestSupport.filesUnder;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.local.LocalContentStore;
import io.deltachain.store.local.LocalStoreConfig;
import io.deltachain.store.local.SpaceProbe;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("HTTP API over the local store")
class HttpApiLocalTest {
  private static final long LIMIT = 8L << 20;

  @TempDir Path dir;
  private Vertx vertx;
  private LocalContentStore store;
  private HttpClient client;
  private int port;

  record Resp(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  private void start(Vertx vertx, SpaceProbe probe, long minFree) {
    this.vertx = vertx;
    store = await(LocalContentStore.open(vertx, new LocalStoreConfig(dir.resolve("data"), minFree, true), probe));
    HttpApiVerticle api = new HttpApiVerticle(store, new HttpApiConfig("127.0.0.1", 0, LIMIT, 1024));
    await(vertx.deployVerticle(api));
    port = api.actualPort();
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  private void start(Vertx vertx) {
    start(vertx, SpaceProbe.fileSystem(), 0);
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      await(client.close());
    }
  }

  /**
   * One request, made on a Vert.x context: chained from the test thread, a request now and then
   * never completed under load (see DeltaStoreClient#onContext).
   */
  private Resp call(HttpMethod method, String uri, Buffer body, Map<String, String> headers) {
    Promise<Resp> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> client.request(method, uri).compose(req -> {
      headers.forEach(req::putHeader);
      return body == null ? req.send() : req.send(body);
    }).compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(), b))).onComplete(done));
    return await(done.future());
  }

  private Resp call(HttpMethod method, String uri) {
    return call(method, uri, null, Map.of());
  }

  private Path data() {
    return dir.resolve("data");
  }

  @Test
  @DisplayName("an upload answers hash and size, and the same bytes come back by GET, HEAD and stat")
  void roundTrip(Vertx vertx) {
    start(vertx);
    byte[] content = bytes(3 * 1024 * 1024 + 17, 1);
    String hash = ContentHash.sha256(content).hex();

    Resp up = call(HttpMethod.POST, "/deltas", Buffer.buffer(content), Map.of());
    assertThat(up.status()).isEqualTo(201);
    assertThat(up.json().getString("hash")).isEqualTo(hash);
    assertThat(up.json().getLong("size")).isEqualTo(content.length);
    assertThat(up.json().getBoolean("inlineEligible")).isFalse();

    Resp get = call(HttpMethod.GET, "/deltas/" + hash);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body().getBytes()).isEqualTo(content);
    assertThat(get.headers().get("ETag")).isEqualTo("\"" + hash + "\"");

    Resp head = call(HttpMethod.HEAD, "/deltas/" + hash);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers().get("Content-Length")).isEqualTo(Integer.toString(content.length));
    assertThat(head.body().length()).isZero();

    JsonObject stat = call(HttpMethod.GET, "/content/" + hash + "/stat").json();
    assertThat(stat.getLong("size")).isEqualTo(content.length);
    assertThat(stat.getBoolean("pinned")).isFalse();
    assertThat(filesUnder(store.tempDir())).isEmpty();

    Resp metrics = call(HttpMethod.GET, "/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.headers().get("content-type")).startsWith("text/plain");
    // the registry is process-wide, so other tests' uploads count too
    assertThat(metric(metrics.body().toString(), "deltachain_store_uploaded_bytes_total")).isGreaterThanOrEqualTo(content.length);
    assertThat(metric(metrics.body().toString(), "deltachain_store_served_bytes_total")).isGreaterThanOrEqualTo(content.length);
    assertThat(metrics.body().toString()).contains("deltachain_store_upload_seconds_count");
  }

  private static double metric(String scrape, String name) {
    return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  @DisplayName("a small upload is reported as eligible to ride inline, and the empty content is storable")
  void smallAndEmpty(Vertx vertx) {
    start(vertx);
    Resp small = call(HttpMethod.POST, "/deltas", Buffer.buffer("hello"), Map.of());
    assertThat(small.json().getBoolean("inlineEligible")).isTrue();
    Resp empty = call(HttpMethod.POST, "/deltas", Buffer.buffer(), Map.of());
    assertThat(empty.status()).isEqualTo(201);
    assertThat(empty.json().getString("hash")).isEqualTo(ContentHash.sha256(new byte[0]).hex());
    Resp back = call(HttpMethod.GET, "/deltas/" + empty.json().getString("hash"));
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.body().length()).isZero();
  }

  @Test
  @DisplayName("a declared hash that does not match gives 400 naming both hashes and stores nothing")
  void declaredHashMismatch(Vertx vertx) {
    start(vertx);
    byte[] content = bytes(200_000, 2);
    String actual = ContentHash.sha256(content).hex();
    String declared = ContentHash.sha256(new byte[] {1}).hex();

    Resp viaHeader = call(HttpMethod.POST, "/deltas", Buffer.buffer(content), Map.of(HttpApiVerticle.HASH_HEADER, declared));
    assertThat(viaHeader.status()).isEqualTo(400);
    assertThat(viaHeader.json().getString("error")).isEqualTo("hash_mismatch");
    assertThat(viaHeader.json().getString("message")).contains(declared).contains(actual);
    Resp viaPath = call(HttpMethod.PUT, "/deltas/" + declared, Buffer.buffer(content), Map.of());
    assertThat(viaPath.status()).isEqualTo(400);
    Resp viaQuery = call(HttpMethod.POST, "/deltas?hash=" + declared, Buffer.buffer(content), Map.of());
    assertThat(viaQuery.status()).isEqualTo(400);

    assertThat(call(HttpMethod.HEAD, "/deltas/" + actual).status()).isEqualTo(404);
    assertThat(filesUnder(data())).isEmpty();

    Resp matching = call(HttpMethod.PUT, "/deltas/" + actual, Buffer.buffer(content), Map.of());
    assertThat(matching.status()).isEqualTo(201);
  }

  @Test
  @DisplayName("an upload over the limit gives 413 whether or not it declares its length, and stores nothing")
  void tooLarge(Vertx vertx) {
    start(vertx);
    byte[] content = bytes((int) LIMIT + 1, 3);
    Resp declared = call(HttpMethod.POST, "/deltas", Buffer.buffer(content), Map.of());
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.json().getString("error")).isEqualTo("too_large");
    assertThat(declared.json().getString("message")).contains(Long.toString(LIMIT));

    Resp chunked = await(client.request(HttpMethod.POST, "/deltas").compose(req -> {
      req.setChunked(true);
      for (int off = 0; off < content.length; off += 1 << 20) {
        req.write(Buffer.buffer(content).slice(off, Math.min(content.length, off + (1 << 20))));
      }
      return req.end().compose(v -> req.response());
    }).compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(), b))).recover(t ->
        // the server may close the connection while the client is still sending
        Future.succeededFuture(new Resp(-1, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(t.toString())))));
    assertThat(chunked.status()).as("chunked answer: %s", chunked.body()).isIn(413, -1);
    eventually(Duration.ofMillis(5000), "no temp file left", () -> filesUnder(data()).isEmpty());
    assertThat(call(HttpMethod.GET, "/health").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("an unknown hash gives 404 and a malformed one 400, both as JSON naming the problem")
  void unknownAndMalformed(Vertx vertx) {
    start(vertx);
    String unknown = ContentHash.sha256(new byte[] {9}).hex();
    Resp missing = call(HttpMethod.GET, "/deltas/" + unknown);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("error")).isEqualTo("not_found");
    assertThat(missing.json().getString("message")).contains(unknown);
    assertThat(call(HttpMethod.HEAD, "/deltas/" + unknown).status()).isEqualTo(404);
    assertThat(call(HttpMethod.PUT, "/deltas/" + unknown + "/pin").status()).isEqualTo(404);

    Resp badCid = call(HttpMethod.GET, "/deltas/" + unknown + "?cid=not-a-cid");
    assertThat(badCid.status()).isEqualTo(400);
    assertThat(badCid.json().getString("message")).contains("not-a-cid");
    Resp noIpfs = call(HttpMethod.GET, "/deltas/" + unknown + "?cid=bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    assertThat(noIpfs.status()).isEqualTo(501);
    assertThat(noIpfs.json().getString("message")).contains("cannot link CIDs");

    Resp bad = call(HttpMethod.GET, "/deltas/xyz");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("message")).contains("64 hex characters");
    Resp badHeader = call(HttpMethod.POST, "/deltas", Buffer.buffer("x"), Map.of(HttpApiVerticle.HASH_HEADER, "zz"));
    assertThat(badHeader.status()).isEqualTo(400);
    assertThat(badHeader.json().getString("message")).contains("declared hash");
  }

  @Test
  @DisplayName("ranges give 206 with Content-Range; ranges outside the content or malformed give 416")
  void ranges(Vertx vertx) {
    start(vertx);
    byte[] content = bytes(1_000_000, 4);
    String hash = call(HttpMethod.POST, "/deltas", Buffer.buffer(content), Map.of()).json().getString("hash");

    Resp mid = call(HttpMethod.GET, "/deltas/" + hash, null, Map.of("Range", "bytes=1000-1999"));
    assertThat(mid.status()).isEqualTo(206);
    assertThat(mid.headers().get("Content-Range")).isEqualTo("bytes 1000-1999/1000000");
    assertThat(mid.body().getBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 1000, 2000));

    Resp open = call(HttpMethod.GET, "/deltas/" + hash, null, Map.of("Range", "bytes=999990-"));
    assertThat(open.body().getBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 999_990, 1_000_000));
    Resp suffix = call(HttpMethod.GET, "/deltas/" + hash, null, Map.of("Range", "bytes=-5"));
    assertThat(suffix.headers().get("Content-Range")).isEqualTo("bytes 999995-999999/1000000");
    Resp clipped = call(HttpMethod.GET, "/deltas/" + hash, null, Map.of("Range", "bytes=999999-2000000"));
    assertThat(clipped.body().length()).isEqualTo(1);

    Resp past = call(HttpMethod.GET, "/deltas/" + hash, null, Map.of("Range", "bytes=1000000-"));
    assertThat(past.status()).isEqualTo(416);
    assertThat(past.headers().get("Content-Range")).isEqualTo("bytes */1000000");
    assertThat(past.json().getString("message")).contains("past the end");
    for (String bad : List.of("bytes=abc-", "items=0-1", "bytes=5-1", "bytes=0-1,4-5", "bytes=-0")) {
      Resp r = call(HttpMethod.GET, "/deltas/" + hash, null, Map.of("Range", bad));
      assertThat(r.status()).as(bad).isEqualTo(416);
      assertThat(r.json().getString("error")).isEqualTo("range_not_satisfiable");
    }
  }

  @Test
  @DisplayName("pin and unpin are reflected in stat and HEAD")
  void pinUnpin(Vertx vertx) {
    start(vertx);
    String hash = call(HttpMethod.POST, "/deltas", Buffer.buffer("pin me"), Map.of()).json().getString("hash");
    assertThat(call(HttpMethod.PUT, "/deltas/" + hash + "/pin").status()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/deltas/" + hash + "/stat").json().getBoolean("pinned")).isTrue();
    assertThat(call(HttpMethod.HEAD, "/deltas/" + hash).headers().get(HttpApiVerticle.PINNED_HEADER)).isEqualTo("true");
    assertThat(call(HttpMethod.DELETE, "/deltas/" + hash + "/pin").status()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/deltas/" + hash + "/stat").json().getBoolean("pinned")).isFalse();
  }

  @Test
  @DisplayName("a corrupted small file is reported as 500 corrupt_content, never served, and quarantined")
  void corruptSmall(Vertx vertx) throws Exception {
    start(vertx);
    byte[] content = bytes(100_000, 5);
    String hash = call(HttpMethod.POST, "/deltas", Buffer.buffer(content), Map.of()).json().getString("hash");
    flipByte(store.objectPath(ContentHash.parse(hash)), 500);

    Resp r = call(HttpMethod.GET, "/deltas/" + hash);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().getString("error")).isEqualTo("corrupt_content");
    assertThat(r.json().getString("message")).contains(hash).contains("not served");
    assertThat(filesUnder(store.quarantineDir())).hasSize(1);
    assertThat(call(HttpMethod.GET, "/deltas/" + hash).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("a file corrupted after it was served (and trusted) is detected on the next read")
  void corruptAfterTrusted(Vertx vertx) throws Exception {
    start(vertx);
    byte[] content = bytes(600_000, 15);
    String hash = call(HttpMethod.POST, "/deltas", Buffer.buffer(content), Map.of()).json().getString("hash");
    assertThat(call(HttpMethod.GET, "/deltas/" + hash).body().getBytes()).isEqualTo(content);
    assertThat(call(HttpMethod.GET, "/deltas/" + hash).body().getBytes()).as("trusted, zero-copy").isEqualTo(content);
    Path object = store.objectPath(ContentHash.parse(hash));
    flipByte(object, 100);
    // A writer that changed the file also changed its modification time, so trust is gone.
    java.nio.file.Files.setLastModifiedTime(object, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    Resp r = call(HttpMethod.GET, "/deltas/" + hash, null, Map.of("Range", "bytes=0-9"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().getString("error")).isEqualTo("corrupt_content");
  }

  @Test
  @DisplayName("a corrupted file asked for by range is detected before any byte is sent")
  void corruptRange(Vertx vertx) throws Exception {
    start(vertx);
    byte[] content = bytes(3_000_000, 6);
    String hash = call(HttpMethod.POST, "/deltas", Buffer.buffer(content), Map.of()).json().getString("hash");
    flipByte(store.objectPath(ContentHash.parse(hash)), 2_900_000);
    Resp r = call(HttpMethod.GET, "/deltas/" + hash, null, Map.of("Range", "bytes=0-99"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().getString("error")).isEqualTo("corrupt_content");
  }

  @Test
  @DisplayName("a corrupted large file is refused with 500 before any byte of it is sent")
  void corruptLarge(Vertx vertx) throws Exception {
    start(vertx);
    byte[] content = bytes(5_000_000, 7);
    String hash = call(HttpMethod.POST, "/deltas", Buffer.buffer(content), Map.of()).json().getString("hash");
    flipByte(store.objectPath(ContentHash.parse(hash)), 4_999_000);

    Resp r = call(HttpMethod.GET, "/deltas/" + hash);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().getString("error")).isEqualTo("corrupt_content");
    assertThat(r.json().getString("actualHash")).isNotEqualTo(hash).hasSize(64);
    assertThat(filesUnder(store.quarantineDir())).hasSize(1);
  }

  @Test
  @DisplayName("a client that disconnects mid-upload leaves no temp file and nothing visible")
  void disconnectMidUpload(Vertx vertx) {
    start(vertx);
    NetSocket socket = await(vertx.createNetClient().connect(port, "127.0.0.1"));
    await(socket.write("POST /deltas HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 6000000\r\n\r\n"));
    await(socket.write(Buffer.buffer(bytes(3_000_000, 8))));
    eventually(Duration.ofMillis(10_000), "the upload's temp file appears", () -> bytesUnder(store.tempDir()) > 0);
    await(socket.close());
    eventually(Duration.ofMillis(10_000), "the temp file is removed", () -> filesUnder(store.tempDir()).isEmpty());
    assertThat(await(store.list())).isEmpty();
    assertThat(call(HttpMethod.GET, "/health").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("concurrent uploads of the same content all succeed and leave exactly one intact file")
  void concurrentSameContent(Vertx vertx) {
    start(vertx);
    byte[] content = bytes(2_000_000, 9);
    String hash = ContentHash.sha256(content).hex();
    List<Future<Resp>> uploads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      uploads.add(client.request(HttpMethod.POST, "/deltas")
          .compose(req -> req.send(Buffer.buffer(content)))
          .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(), b))));
    }
    for (Future<Resp> f : uploads) {
      Resp r = await(f);
      assertThat(r.status()).isEqualTo(201);
      assertThat(r.json().getString("hash")).isEqualTo(hash);
    }
    assertThat(await(store.list())).containsExactly(ContentHash.parse(hash));
    assertThat(filesUnder(store.tempDir())).isEmpty();
    assertThat(call(HttpMethod.GET, "/deltas/" + hash).body().getBytes()).isEqualTo(content);
  }

  @Test
  @DisplayName("a full disk (a data directory with a quota) gives 507 insufficient_storage and leaves no partial file")
  void diskFull(Vertx vertx) {
    long capacity = 6L << 20;
    Path dataDir = dir.resolve("data");
    // A quota on the data directory: usable space shrinks as files are written under it.
    SpaceProbe quota = d -> capacity - bytesUnder(dataDir);
    start(vertx, quota, 0);

    Resp declared = call(HttpMethod.POST, "/deltas", Buffer.buffer(bytes(7 << 20, 10)), Map.of());
    assertThat(declared.status()).isEqualTo(507);
    assertThat(declared.json().getString("error")).isEqualTo("insufficient_storage");
    assertThat(declared.json().getString("message")).contains("not enough disk space");

    byte[] big = bytes(20 << 20, 11);
    Resp chunked = await(client.request(HttpMethod.POST, "/deltas").compose(req -> {
      req.setChunked(true);
      for (int off = 0; off < big.length; off += 1 << 20) {
        req.write(Buffer.buffer(big).slice(off, off + (1 << 20)));
      }
      return req.end().compose(v -> req.response());
    }).compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(), b)))
        .recover(t -> Future.succeededFuture(new Resp(-1, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer()))));
    assertThat(chunked.status()).isIn(507, -1);
    eventually(Duration.ofMillis(5000), "no partial file", () -> filesUnder(dataDir).isEmpty());

    Resp fits = call(HttpMethod.POST, "/deltas", Buffer.buffer(bytes(1 << 20, 12)), Map.of());
    assertThat(fits.status()).isEqualTo(201);
  }

  private static void flipByte(Path file, long pos) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(pos);
      int b = raf.read();
      raf.seek(pos);
      raf.write(b ^ 0xff);
    }
  }
}
