package io.deltachain.core.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's key on disk, in CometBFT's {@code priv_validator_key.json} format (see
 * {@link PrivValidatorKey}), so one file can serve both as the validator's CometBFT key and as
 * its deltachain signing key.
 *
 * <p><b>Writing.</b> The file is created with owner-only permissions ({@code rw-------}) from
 * its first byte: a temporary file is created with that permission attribute (the umask can
 * only narrow it), written and synced, then linked to the final name, which fails if the name
 * exists. Nothing ever replaces an existing key: losing a validator key loses its stake.
 *
 * <p><b>Reading: the permission policy.</b> {@link #load} refuses a key file that grants any
 * permission to group or others, the rule OpenSSH applies to private keys: a key other users
 * could read must be assumed leaked, and refusing is the only way an operator notices. The
 * error says how to fix it ({@code chmod 600}). Ownership is not checked, so keys mounted
 * read-only for a service user (mode 0400) work. On file systems without POSIX permissions
 * the check is skipped with a warning. {@link PrivValidatorKey#read} reads without the check,
 * for tools that only inspect a key.
 */
public final class KeyFiles {
  /** {@code rw-------}: the permissions of every key file deltachain writes. */
  public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
  private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyFiles() {}

  /**
   * Saves a key to a new owner-only file, creating missing parent directories owner-only too.
   *
   * @throws FileAlreadyExistsException when {@code file} exists (it is left untouched)
   */
  public static void save(Path file, NodeKey key) throws IOException {
    PrivValidatorKey.write(file, key);
  }

  /**
   * Loads a key file after checking that only its owner can access it.
   *
   * @throws NoSuchFileException when it does not exist
   * @throws InvalidKeyFileException when group or others have any permission on it, or it is
   *     malformed (the message names the file and the problem)
   */
  public static NodeKey load(Path file) throws IOException {
    checkOwnerOnly(file);
    return PrivValidatorKey.read(file);
  }

  /**
   * Loads the key at {@code file}, or generates one and saves it there when the file does not
   * exist: what a node does on its first start.
   */
  public static NodeKey loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    NodeKey key = NodeKey.generate();
    try {
      save(file, key);
      return key;
    } catch (FileAlreadyExistsException raced) {
      // Another process created it between our check and our write: its key wins.
      return load(file);
    }
  }

  /**
   * Fails when group or others have any permission on {@code file}.
   *
   * @throws InvalidKeyFileException naming the permissions and the fix
   */
  public static void checkOwnerOnly(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      LOG.warn("{}: the file system has no POSIX permissions; cannot check that only its owner can read this key", file);
      return;
    }
    Set<PosixFilePermission> perms = view.readAttributes().permissions();
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(perms);
    open.retainAll(GROUP_OR_OTHERS);
    if (!open.isEmpty()) {
      throw new InvalidKeyFileException(file, "key file permissions " + PosixFilePermissions.toString(perms)
          + " let group or others access it; the key must be readable by its owner only"
          + " (fix: chmod 600 " + file + ", and consider the key compromised if others could read it)");
    }
  }

  /** Writes secret bytes to a new owner-only file, atomically, never replacing a file. */
  static void writeSecret(Path file, byte[] content) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString(), null, "refusing to overwrite an existing key file");
    }
    boolean posix = Files.getFileStore(existingAncestor(dir)).supportsFileAttributeView(PosixFileAttributeView.class);
    if (!Files.isDirectory(dir)) {
      if (posix) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      } else {
        Files.createDirectories(dir);
      }
    }
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomBytes()));
    FileAttribute<?>[] attrs = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    if (!posix) {
      LOG.warn("{}: the file system has no POSIX permissions; the key file's access is whatever it defaults to", target);
    }
    try {
      try (SeekableByteChannel ch = Files.newByteChannel(
          tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ((FileChannel) ch).force(true);
      }
      publish(tmp, target);
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  // A hard link fails if the name exists, so two writers cannot both "win"; rename would replace.
  private static void publish(Path tmp, Path target) throws IOException {
    try {
      Files.createLink(target, tmp);
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(target.toString(), null, "refusing to overwrite an existing key file");
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (e instanceof FileSystemException fse && Files.exists(target)) {
        throw new FileAlreadyExistsException(target.toString(), null, "refusing to overwrite an existing key file: " + fse.getMessage());
      }
      // No hard links here (some network and FUSE file systems): fall back to a rename.
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Best effort: not every platform can fsync a directory; the file itself is synced.
      LOG.debug("cannot sync directory {}: {}", dir, e.toString());
    }
  }

  private static Path existingAncestor(Path dir) {
    Path p = dir;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? dir.getRoot() : p;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return b;
  }
}
