package io.deltachain.core.content;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Self-describing hashes: {@code <varint function code><varint digest length><digest>}.
 * deltachain only names content by SHA-256 (function {@code 0x12}, 32 bytes), which is what
 * kubo uses by default; any other function is rejected rather than half-supported.
 */
public final class Multihash {
  /** The multihash function code of SHA2-256. */
  public static final int SHA2_256 = 0x12;
  /** The length of a sha2-256 multihash: two header bytes and the 32-byte digest. */
  public static final int SHA2_256_LENGTH = 2 + ContentHash.LENGTH;

  private Multihash() {}

  /** The sha2-256 multihash of a content hash: {@code 12 20 <digest>}. */
  public static byte[] sha256(ContentHash digest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(SHA2_256_LENGTH);
    write(out, digest);
    return out.toByteArray();
  }

  /** Appends the sha2-256 multihash of a content hash. */
  public static void write(ByteArrayOutputStream out, ContentHash digest) {
    out.write(SHA2_256);
    out.write(ContentHash.LENGTH);
    out.writeBytes(digest.bytes());
  }

  /**
   * Reads a multihash that must run exactly to the end of {@code in}.
   *
   * @throws IllegalArgumentException for a truncated varint, a function other than sha2-256,
   *     a digest length other than 32, or missing or trailing bytes
   */
  public static ContentHash read(byte[] in, int offset) {
    UnsignedVarint.Decoded fn = UnsignedVarint.read(in, offset, "multihash function code");
    if (fn.value() != SHA2_256) {
      throw new IllegalArgumentException(
          "unsupported multihash function 0x" + Long.toHexString(fn.value()) + " (only sha2-256 0x12 is supported)");
    }
    int pos = offset + fn.length();
    UnsignedVarint.Decoded len = UnsignedVarint.read(in, pos, "multihash digest length");
    if (len.value() != ContentHash.LENGTH) {
      throw new IllegalArgumentException(
          "wrong digest length " + len.value() + " for sha2-256 (must be " + ContentHash.LENGTH + ")");
    }
    pos += len.length();
    int available = in.length - pos;
    if (available < ContentHash.LENGTH) {
      throw new IllegalArgumentException(
          "truncated digest: sha2-256 needs " + ContentHash.LENGTH + " bytes, only " + available + " remain");
    }
    if (available > ContentHash.LENGTH) {
      throw new IllegalArgumentException(
          (available - ContentHash.LENGTH) + " trailing byte(s) after the 32-byte sha2-256 digest");
    }
    return ContentHash.of(Arrays.copyOfRange(in, pos, pos + ContentHash.LENGTH));
  }

  /** Reads a whole byte array as a sha2-256 multihash. */
  public static ContentHash decode(byte[] multihash) {
    return read(multihash, 0);
  }
}
