package io.deltachain.store.local;

import static io.deltachain.store.TestSupport.await;
import static io.deltachain.store.TestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.ContentHash;
import io.deltachain.store.ByteRange;
import io.deltachain.store.PutOptions;
import io.deltachain.store.PutResult;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.deltachain.store.io.BufferReadStream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("Local content-addressed store")
class LocalContentStoreTest {
  @TempDir Path dir;

  @Test
  @DisplayName("files are sharded by hash prefix, and a file put in place by a writer is named by its own hash")
  void layout(Vertx vertx) {
    LocalContentStore store = await(LocalContentStore.open(vertx, LocalStoreConfig.of(dir)));
    byte[] content = bytes(12345, 61);
    PutResult r = await(store.putFile(writeTemp(content), PutOptions.NONE));
    String h = r.hash().hex();
    assertThat(store.objectPath(r.hash())).isEqualTo(dir.toAbsolutePath().resolve("objects").resolve(h.substring(0, 2))
        .resolve(h.substring(2, 4)).resolve(h));
    assertThat(store.objectPath(r.hash())).hasBinaryContent(content);
    assertThat(r.hash()).isEqualTo(ContentHash.sha256(content));
  }

  @Test
  @DisplayName("temp files left by a crash are never visible and are removed when the store opens")
  void crashLeftovers(Vertx vertx) throws Exception {
    LocalContentStore first = await(LocalContentStore.open(vertx, LocalStoreConfig.of(dir)));
    Path leftover = first.tempDir().resolve("crashed-upload.part");
    Files.write(leftover, bytes(1000, 62));
    assertThat(await(first.list())).isEmpty();
    LocalContentStore reopened = await(LocalContentStore.open(vertx, LocalStoreConfig.of(dir)));
    assertThat(leftover).doesNotExist();
    assertThat(await(reopened.list())).isEmpty();
  }

  @Test
  @DisplayName("a declared size over the free space is refused before a byte is written")
  void declaredTooBigForDisk(Vertx vertx) {
    LocalContentStore store = await(LocalContentStore.open(vertx, new LocalStoreConfig(dir, 1000, true), d -> 5000));
    StoreException e = (StoreException) io.deltachain.store.TestSupport.awaitFailure(
        store.put(new BufferReadStream(Buffer.buffer(bytes(4500, 63))), PutOptions.NONE.withDeclaredSize(4500)));
    assertThat(e.error()).isEqualTo(StoreError.INSUFFICIENT_STORAGE);
    assertThat(e.getMessage()).contains("5000 bytes usable").contains("1000 kept in reserve");
  }

  @Test
  @DisplayName("HTTP ranges resolve against the size, and malformed ones name the problem")
  void ranges() {
    assertThat(ByteRange.parseHttp("bytes=0-0", 10)).isEqualTo(new ByteRange(0, 1));
    assertThat(ByteRange.parseHttp("bytes=5-", 10)).isEqualTo(new ByteRange(5, 5));
    assertThat(ByteRange.parseHttp("bytes=-3", 10)).isEqualTo(new ByteRange(7, 3));
    assertThat(ByteRange.parseHttp("bytes=-30", 10)).isEqualTo(new ByteRange(0, 10));
    assertThat(ByteRange.parseHttp("bytes=8-100", 10)).isEqualTo(new ByteRange(8, 2));
    assertThatThrownBy(() -> ByteRange.parseHttp("bytes=10-", 10)).hasMessageContaining("past the end");
    assertThatThrownBy(() -> ByteRange.parseHttp("bytes=0-1,3-4", 10)).hasMessageContaining("multiple ranges");
    assertThatThrownBy(() -> ByteRange.parseHttp("bytes=x-1", 10)).hasMessageContaining("decimal");
    assertThatThrownBy(() -> ByteRange.parseHttp("bytes=0-", 0)).isInstanceOf(StoreException.class);
  }

  private Path writeTemp(byte[] content) {
    try {
      Path p = Files.createTempFile(dir, "in", ".bin");
      Files.write(p, content);
      return p;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
