package io.deltachain.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir Path dir;

  @Test
  @DisplayName("a saved key file is owner-only and loads back as the same key")
  void saveAndLoad() throws Exception {
    Path file = dir.resolve("node_key.json");
    NodeKey key = NodeKey.generate();
    KeyFiles.save(file, key);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    NodeKey loaded = KeyFiles.load(file);
    assertThat(loaded.publicKey()).isEqualTo(key.publicKey());
    assertThat(loaded.seed()).isEqualTo(key.seed());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no temporary files left behind").containsExactly(file);
    }
  }

  @Test
  @DisplayName("saving never replaces an existing key file")
  void refusesOverwrite() throws Exception {
    Path file = dir.resolve("node_key.json");
    NodeKey first = NodeKey.generate();
    KeyFiles.save(file, first);
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> KeyFiles.save(file, NodeKey.generate()))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("refusing to overwrite");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(KeyFiles.load(file).publicKey()).isEqualTo(first.publicKey());
  }

  @Test
  @DisplayName("missing parent directories are created owner-only")
  void createsOwnerOnlyParents() throws Exception {
    Path file = dir.resolve("a/b/key.json");
    KeyFiles.save(file, NodeKey.generate());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b")))).isEqualTo("rwx------");
    assertThat(KeyFiles.load(file)).isNotNull();
  }

  @Test
  @DisplayName("a key file that group or others can read is refused, with the fix in the message")
  void refusesOpenPermissions() throws Exception {
    Path file = dir.resolve("key.json");
    NodeKey key = NodeKey.generate();
    KeyFiles.save(file, key);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> KeyFiles.load(file))
        .isInstanceOf(InvalidKeyFileException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("rw-r--r--")
        .hasMessageContaining("chmod 600");
    // Inspecting without the policy still works, and a read-only owner file is fine.
    assertThat(PrivValidatorKey.read(file).publicKey()).isEqualTo(key.publicKey());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    assertThat(KeyFiles.load(file).publicKey()).isEqualTo(key.publicKey());
  }

  @Test
  @DisplayName("a malformed key file is reported with its path and the problem")
  void malformedFile() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"address\": \"00\"}", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, KeyFiles.OWNER_ONLY);
    assertThatThrownBy(() -> KeyFiles.load(file))
        .isInstanceOf(InvalidKeyFileException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("missing priv_key");
    assertThatThrownBy(() -> KeyFiles.load(dir.resolve("absent.json"))).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  @DisplayName("loadOrCreate creates a key on first start and returns the same key afterwards")
  void loadOrCreate() throws Exception {
    Path file = dir.resolve("node/key.json");
    NodeKey first = KeyFiles.loadOrCreate(file);
    NodeKey second = KeyFiles.loadOrCreate(file);
    assertThat(second.publicKey()).isEqualTo(first.publicKey());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }
}
