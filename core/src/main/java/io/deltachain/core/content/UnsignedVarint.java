package io.deltachain.core.content;

import java.io.ByteArrayOutputStream;

/**
 * The multiformats unsigned varint: 7 bits per byte, least significant group first, the high
 * bit set on every byte but the last. The spec caps a varint at 9 bytes (63 bits) and requires
 * the shortest encoding, so every value has exactly one encoding; this class rejects the rest.
 */
public final class UnsignedVarint {
  /** The longest varint the multiformats spec allows. */
  public static final int MAX_BYTES = 9;

  private UnsignedVarint() {}

  /** A decoded varint and how many bytes it took. */
  public record Decoded(long value, int length) {}

  /** Appends the encoding of a non-negative value. */
  public static void write(ByteArrayOutputStream out, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("an unsigned varint holds 0 to 2^63-1, got " + value);
    }
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** The encoding of a non-negative value. */
  public static byte[] encode(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_BYTES);
    write(out, value);
    return out.toByteArray();
  }

  /**
   * Decodes the varint that starts at {@code offset}.
   *
   * @param what names the field in error messages, e.g. "CID version"
   * @throws IllegalArgumentException when the input ends inside the varint (truncated), the
   *     varint is longer than 9 bytes, or it is not minimally encoded
   */
  public static Decoded read(byte[] in, int offset, String what) {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      int pos = offset + i;
      if (pos >= in.length) {
        throw new IllegalArgumentException(
            "truncated varint: the " + what + " at byte " + offset + " ends after " + i + " byte(s) with the continuation bit set");
      }
      int b = in[pos] & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new IllegalArgumentException(
              "non-minimal varint: the " + what + " at byte " + offset + " has a redundant trailing zero byte");
        }
        return new Decoded(value, i + 1);
      }
    }
    throw new IllegalArgumentException(
        "varint too long: the " + what + " at byte " + offset + " exceeds " + MAX_BYTES + " bytes");
  }
}
