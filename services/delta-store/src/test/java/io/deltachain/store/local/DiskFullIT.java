package io.deltachain.store.local;

import static io.deltachain.store.TestSupport.await;
import static io.deltachain.store.TestSupport.awaitFailure;
import static io.deltachain.store.TestSupport.filesUnder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.deltachain.store.PutOptions;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real "no space left on device": the data directory is a 4 MiB tmpfs mounted for the test
 * (needs root; skipped otherwise), and the free-space probe is told to see plenty, so the
 * write itself hits ENOSPC.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Disk full on a real tiny file system")
class DiskFullIT {
  @TempDir Path dir;
  private Path mount;

  private static boolean run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      run("umount", mount.toString());
    }
  }

  @Test
  @DisplayName("an upload that fills the disk fails with insufficient_storage and leaves no partial file")
  void enospc(Vertx vertx) throws Exception {
    Path m = dir.resolve("tiny");
    Files.createDirectories(m);
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", m.toString()), "cannot mount a tmpfs here (not root?)");
    mount = m;
    LocalContentStore store = await(LocalContentStore.open(vertx, new LocalStoreConfig(m, 0, true), d -> Long.MAX_VALUE));

    Path src = io.deltachain.store.TestSupport.file(dir, "src.bin", 6 << 20, 71);
    var file = await(vertx.fileSystem().open(src.toString(), new OpenOptions().setRead(true)));
    file.pause();
    StoreException e = (StoreException) awaitFailure(store.put(file, PutOptions.NONE));
    assertThat(e.error()).isEqualTo(StoreError.INSUFFICIENT_STORAGE);
    assertThat(e.getMessage()).contains("no space left");
    assertThat(filesUnder(m)).isEmpty();

    Path small = io.deltachain.store.TestSupport.file(dir, "small.bin", 1 << 20, 72);
    assertThat(await(store.putFile(small, PutOptions.NONE)).size()).isEqualTo(1 << 20);
  }
}
