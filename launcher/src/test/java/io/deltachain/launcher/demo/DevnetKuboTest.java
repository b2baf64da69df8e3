package io.deltachain.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.store.client.Uploaded;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The devnet's fallback when kubo cannot run: the store still starts on its local backend, the
 * user is told why there are no CIDs, and uploads work. (The kubo path itself is exercised by
 * {@code DemoIT}, which starts the real daemon.)
 */
class DevnetKuboTest {
  @TempDir Path dir;
  private Vertx vertx;
  private final List<String> said = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    System.clearProperty(DevnetKubo.PROPERTY);
    Devnet.await(vertx.close(), 30);
  }

  private DevnetKubo.Store deploy(Supplier<Path> binary) {
    return DevnetKubo.deployStore(vertx, dir.resolve("store"), binary, dir.resolve("kubo"), said::add);
  }

  private Uploaded upload(DevnetKubo.Store store) {
    DeltaStoreClient client = new DeltaStoreClient(vertx, "http://127.0.0.1:" + store.service().httpPort());
    return Devnet.await(client.upload(Buffer.buffer("a delta")), 30);
  }

  @Test
  @DisplayName("when the ipfs binary cannot be found, the store runs locally, says why, and uploads get no CID")
  void binaryNotFound() {
    DevnetKubo.Store store = deploy(() -> {
      throw new IllegalStateException("scripts/node-binaries.sh did not report an executable IPFS");
    });

    assertThat(store.kubo()).isNull();
    assertThat(said).anySatisfy(l -> assertThat(l).contains("kubo could not start",
        "did not report an executable IPFS", "local backend only", "no CIDs"));
    Uploaded up = upload(store);
    assertThat(up.size()).isEqualTo(7);
    assertThat(up.cid()).isNull();
  }

  @Test
  @DisplayName("when the ipfs binary fails (here /bin/false), the note names the failing command")
  void binaryFails() {
    DevnetKubo.Store store = deploy(() -> Paths.get("/bin/false"));

    assertThat(store.kubo()).isNull();
    assertThat(said).anySatisfy(l -> assertThat(l).contains("kubo could not start", "ipfs init", "no CIDs"));
    assertThat(upload(store).cid()).isNull();
  }

  @Test
  @DisplayName("-Ddeltachain.devnet.kubo=false skips kubo without looking for the binary")
  void turnedOff() {
    System.setProperty(DevnetKubo.PROPERTY, "false");
    DevnetKubo.Store store = deploy(() -> {
      throw new AssertionError("the binary must not be looked up when kubo is turned off");
    });

    assertThat(store.kubo()).isNull();
    assertThat(said).anySatisfy(l -> assertThat(l).contains("kubo turned off", "-Ddeltachain.devnet.kubo=false"));
    assertThat(upload(store).cid()).isNull();
  }
}
