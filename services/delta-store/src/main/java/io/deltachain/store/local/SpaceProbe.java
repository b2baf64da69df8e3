package io.deltachain.store.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many bytes can still be written under a directory. The real one asks the file system;
 * tests inject a small figure to exercise the disk-full path without filling a disk.
 */
@FunctionalInterface
public interface SpaceProbe {
  /** Usable bytes on the file system holding {@code dir}. */
  long usableBytes(Path dir) throws IOException;

  /** The file system's own figure ({@link java.nio.file.FileStore#getUsableSpace()}). */
  static SpaceProbe fileSystem() {
    return dir -> Files.getFileStore(dir).getUsableSpace();
  }
}
