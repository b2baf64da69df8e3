package io.deltachain.core.content;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 content hash: the name of every tensor file in deltachain. Stores verify the
 * bytes they serve against it. Rendered as 64 lowercase hex characters.
 */
public final class ContentHash implements Comparable<ContentHash> {
  /** Length of a SHA-256 digest in bytes. */
  public static final int LENGTH = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private ContentHash(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a 32-byte digest. */
  public static ContentHash of(byte[] digest) {
    if (digest == null || digest.length != LENGTH) {
      throw new IllegalArgumentException(
          "a content hash is " + LENGTH + " bytes of SHA-256, got " + (digest == null ? "null" : digest.length + " bytes"));
    }
    return new ContentHash(digest.clone());
  }

  /** Parses 64 hex characters (either case). */
  public static ContentHash parse(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException(
          "a content hash is 64 hex characters, got " + (hex == null ? "null" : "'" + abbreviate(hex) + "' (" + hex.length() + " characters)"));
    }
    try {
      return new ContentHash(HEX.parseHex(hex.toLowerCase()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("content hash '" + abbreviate(hex) + "' is not hexadecimal", e);
    }
  }

  /** Hashes bytes in memory. */
  public static ContentHash sha256(byte[] data) {
    return new ContentHash(newDigest().digest(data));
  }

  /** Hashes a file by streaming it. */
  public static ContentHash sha256(Path file) throws IOException {
    MessageDigest md = newDigest();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      while (ch.read(buf) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return new ContentHash(md.digest());
  }

  /** Hashes a stream to its end; the caller closes it. */
  public static ContentHash sha256(InputStream in) throws IOException {
    MessageDigest md = newDigest();
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) >= 0) {
      md.update(buf, 0, n);
    }
    return new ContentHash(md.digest());
  }

  /** A fresh SHA-256 digest, for callers that hash incrementally. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The raw 32 bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** 64 lowercase hex characters. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentHash other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(ContentHash o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
