package io.deltachain.core.content;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The multibase encodings deltachain reads and writes: a one-character prefix names the base,
 * the rest is the payload in that base. CIDv1 strings are canonically {@link #BASE32} (prefix
 * {@code b}, RFC 4648 lowercase, no padding); {@link #BASE58BTC} (prefix {@code z}) is the
 * bitcoin alphabet that CIDv0 uses without a prefix.
 *
 * <p>Base16 and base32 are case-insensitive when decoding, as the multibase spec requires; the
 * prefix only fixes the case used when encoding.
 */
public enum Multibase {
  /** Lowercase hexadecimal, prefix {@code f}. */
  BASE16('f', "base16"),
  /** Uppercase hexadecimal, prefix {@code F}. */
  BASE16_UPPER('F', "base16upper"),
  /** RFC 4648 base32, lowercase, no padding, prefix {@code b}: the CIDv1 default. */
  BASE32('b', "base32"),
  /** RFC 4648 base32, uppercase, no padding, prefix {@code B}. */
  BASE32_UPPER('B', "base32upper"),
  /** Base58 with the bitcoin alphabet, prefix {@code z}. */
  BASE58BTC('z', "base58btc");

  private static final String BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  private static final String BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final String HEX = "0123456789abcdef";
  private static final int[] BASE58_INDEX = index(BASE58_ALPHABET, false);
  private static final int[] BASE32_INDEX = index(BASE32_ALPHABET, true);
  private static final int[] HEX_INDEX = index(HEX, true);
  private static final BigInteger FIFTY_EIGHT = BigInteger.valueOf(58);

  private final char prefix;
  private final String label;

  Multibase(char prefix, String label) {
    this.prefix = prefix;
    this.label = label;
  }

  /** The one-character multibase prefix. */
  public char prefix() {
    return prefix;
  }

  /** The multibase table name, e.g. {@code base58btc}. */
  public String label() {
    return label;
  }

  /** The base named by a multibase prefix character. */
  public static Multibase ofPrefix(char prefix) {
    for (Multibase b : values()) {
      if (b.prefix == prefix) {
        return b;
      }
    }
    throw new IllegalArgumentException("bad multibase prefix '" + printable(prefix)
        + "' (supported: 'b' base32, 'B' base32upper, 'z' base58btc, 'f' base16, 'F' base16upper)");
  }

  /** The base of a multibase string, from its first character. */
  public static Multibase baseOf(String multibase) {
    if (multibase == null || multibase.isEmpty()) {
      throw new IllegalArgumentException("an empty string is not multibase (it needs at least a prefix)");
    }
    return ofPrefix(multibase.charAt(0));
  }

  /** Decodes a multibase string: prefix, then payload. */
  public static byte[] decode(String multibase) {
    return baseOf(multibase).decodePayload(multibase.substring(1), 1);
  }

  /** The prefixed encoding of {@code data}. */
  public String encode(byte[] data) {
    return prefix + encodePayload(data);
  }

  /** The encoding of {@code data} without the prefix. */
  public String encodePayload(byte[] data) {
    return switch (this) {
      case BASE16 -> base16(data);
      case BASE16_UPPER -> base16(data).toUpperCase(java.util.Locale.ROOT);
      case BASE32 -> base32(data);
      case BASE32_UPPER -> base32(data).toUpperCase(java.util.Locale.ROOT);
      case BASE58BTC -> base58(data);
    };
  }

  /** Decodes a payload (no prefix) in this base. */
  public byte[] decodePayload(String payload) {
    return decodePayload(payload, 0);
  }

  // offset: where the payload starts in the string the caller gave, so errors point into it
  private byte[] decodePayload(String payload, int offset) {
    return switch (this) {
      case BASE16, BASE16_UPPER -> fromBase16(payload, offset);
      case BASE32, BASE32_UPPER -> fromBase32(payload, offset);
      case BASE58BTC -> fromBase58(payload, offset);
    };
  }

  /** Base58btc without a prefix, as CIDv0 is written. */
  public static String base58(byte[] data) {
    int zeros = 0;
    while (zeros < data.length && data[zeros] == 0) {
      zeros++;
    }
    StringBuilder sb = new StringBuilder(data.length * 138 / 100 + 1);
    BigInteger n = new BigInteger(1, data);
    while (n.signum() > 0) {
      BigInteger[] qr = n.divideAndRemainder(FIFTY_EIGHT);
      sb.append(BASE58_ALPHABET.charAt(qr[1].intValue()));
      n = qr[0];
    }
    sb.append("1".repeat(zeros));
    return sb.reverse().toString();
  }

  /** Decodes base58btc without a prefix. */
  public static byte[] fromBase58(String s) {
    return fromBase58(s, 0);
  }

  private static byte[] fromBase58(String s, int offset) {
    int zeros = 0;
    while (zeros < s.length() && s.charAt(zeros) == '1') {
      zeros++;
    }
    BigInteger n = BigInteger.ZERO;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int v = c < 128 ? BASE58_INDEX[c] : -1;
      if (v < 0) {
        throw new IllegalArgumentException("bad base58btc char '" + printable(c) + "' at position " + (offset + i));
      }
      n = n.multiply(FIFTY_EIGHT).add(BigInteger.valueOf(v));
    }
    byte[] mag = n.signum() == 0 ? new byte[0] : n.toByteArray();
    int strip = mag.length > 0 && mag[0] == 0 ? 1 : 0; // BigInteger's sign byte
    byte[] out = new byte[zeros + mag.length - strip];
    System.arraycopy(mag, strip, out, zeros, mag.length - strip);
    return out;
  }

  /** RFC 4648 base32, lowercase, no padding, no prefix. */
  public static String base32(byte[] data) {
    StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        sb.append(BASE32_ALPHABET.charAt((buffer >>> (bits - 5)) & 0x1F));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(BASE32_ALPHABET.charAt((buffer << (5 - bits)) & 0x1F));
    }
    return sb.toString();
  }

  /** Decodes unpadded RFC 4648 base32 (either case, no prefix). */
  public static byte[] fromBase32(String s) {
    return fromBase32(s, 0);
  }

  private static byte[] fromBase32(String s, int offset) {
    int rem = s.length() % 8;
    if (rem == 1 || rem == 3 || rem == 6) {
      throw new IllegalArgumentException(
          "bad base32 length " + s.length() + ": no byte string encodes to that many characters");
    }
    byte[] out = new byte[s.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int o = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int v = c < 128 ? BASE32_INDEX[c] : -1;
      if (v < 0) {
        throw new IllegalArgumentException("bad base32 char '" + printable(c) + "' at position " + (offset + i));
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[o++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
      buffer &= (1 << bits) - 1;
    }
    if (buffer != 0) {
      // Leftover bits must be zero or two strings would decode to the same bytes.
      throw new IllegalArgumentException("bad base32 ending: the last character carries non-zero padding bits");
    }
    return out;
  }

  private static String base16(byte[] data) {
    StringBuilder sb = new StringBuilder(data.length * 2);
    for (byte b : data) {
      sb.append(HEX.charAt((b >>> 4) & 0xF)).append(HEX.charAt(b & 0xF));
    }
    return sb.toString();
  }

  private static byte[] fromBase16(String s, int offset) {
    if (s.length() % 2 != 0) {
      throw new IllegalArgumentException("bad base16 length " + s.length() + ": must be even");
    }
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int v = c < 128 ? HEX_INDEX[c] : -1;
      if (v < 0) {
        throw new IllegalArgumentException("bad base16 char '" + printable(c) + "' at position " + (offset + i));
      }
      out[i / 2] |= (byte) (i % 2 == 0 ? v << 4 : v);
    }
    return out;
  }

  private static int[] index(String alphabet, boolean caseInsensitive) {
    int[] idx = new int[128];
    Arrays.fill(idx, -1);
    for (int i = 0; i < alphabet.length(); i++) {
      char c = alphabet.charAt(i);
      idx[c] = i;
      if (caseInsensitive) {
        idx[Character.toUpperCase(c)] = i;
      }
    }
    return idx;
  }

  static String printable(char c) {
    return c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }
}
