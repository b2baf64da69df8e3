package io.deltachain.core.content;

import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * An IPFS content identifier over a sha2-256 multihash.
 *
 * <ul>
 *   <li><b>CIDv0</b>: the bare multihash {@code 12 20 <digest>} in base58btc with no prefix
 *       ({@code Qm...}, 46 characters); the codec is implicitly dag-pb.
 *   <li><b>CIDv1</b>: {@code <multibase prefix><varint 1><varint codec><multihash>}; written
 *       in base32 ({@code b...}) by {@link #toString()}, parsed from any base in
 *       {@link Multibase}.
 * </ul>
 *
 * <p>Identity is version + codec + digest: the multibase a CIDv1 was written in is not part of
 * it, and a CIDv0 never equals its CIDv1 form (as in go-cid); compare {@link #toV1()} forms to
 * ask whether two CIDs name the same block. For {@link Multicodec#RAW} the digest is the
 * SHA-256 of the content; for {@link Multicodec#DAG_PB} it is the hash of a UnixFS node, not
 * of the file.
 *
 * <p>Instances are immutable.
 */
public final class Cid {
  /** The length of a CIDv0 string. */
  public static final int V0_STRING_LENGTH = 46;
  /**
   * The longest CID string accepted. A sha2-256 CIDv1 is 38 bytes, 77 characters in base16,
   * its longest supported base; the cap keeps hostile input (CIDs arrive in transactions) from
   * costing quadratic base58 decoding time.
   */
  public static final int MAX_STRING_LENGTH = 100;

  private final int version;
  private final Multicodec codec;
  private final ContentHash digest;

  private Cid(int version, Multicodec codec, ContentHash digest) {
    this.version = version;
    this.codec = codec;
    this.digest = digest;
  }

  /**
   * The CID kubo gives a file of at most one chunk added with {@code cid-version=1} (which
   * implies raw leaves): CIDv1, raw codec, sha2-256 of the file's exact bytes.
   */
  public static Cid rawV1(ContentHash fileHash) {
    return new Cid(1, Multicodec.RAW, Objects.requireNonNull(fileHash, "fileHash"));
  }

  /** A CIDv1 with the given codec and sha2-256 digest. */
  public static Cid v1(Multicodec codec, ContentHash digest) {
    return new Cid(1, Objects.requireNonNull(codec, "codec"), Objects.requireNonNull(digest, "digest"));
  }

  /** A CIDv0 (dag-pb) naming the node with this sha2-256 digest. */
  public static Cid v0(ContentHash dagPbNodeHash) {
    return new Cid(0, Multicodec.DAG_PB, Objects.requireNonNull(dagPbNodeHash, "dagPbNodeHash"));
  }

  /**
   * Parses the string form of a CID, following the CID spec's decoding algorithm.
   *
   * @throws IllegalArgumentException naming what is wrong: a bad multibase prefix, a bad
   *     character for the base, an unknown codec, an unsupported hash function, a wrong digest
   *     length, a truncated varint, trailing bytes, or an unsupported version
   */
  public static Cid parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty CID");
    }
    if (text.length() > MAX_STRING_LENGTH) {
      throw new IllegalArgumentException("invalid CID '" + abbreviate(text) + "': " + text.length()
          + " characters is longer than any supported CID (at most " + MAX_STRING_LENGTH + ")");
    }
    try {
      if (text.startsWith("Qm")) {
        if (text.length() != V0_STRING_LENGTH) {
          throw new IllegalArgumentException("starts like a CIDv0 ('Qm') but is " + text.length()
              + " characters long; a CIDv0 is " + V0_STRING_LENGTH);
        }
        return fromBytes(Multibase.fromBase58(text));
      }
      byte[] bytes = Multibase.decode(text);
      if (bytes.length > 0 && bytes[0] == Multihash.SHA2_256) {
        throw new IllegalArgumentException("a CIDv0 may not be multibase-encoded (decoded bytes start 0x12)");
      }
      return fromBytes(bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid CID '" + abbreviate(text) + "': " + e.getMessage(), e);
    }
  }

  /** Decodes a binary CID (a CIDv0 multihash or a CIDv1 without multibase prefix). */
  public static Cid fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty binary CID");
    }
    if (bytes[0] == Multihash.SHA2_256) {
      return v0(Multihash.decode(bytes));
    }
    UnsignedVarint.Decoded version = UnsignedVarint.read(bytes, 0, "CID version");
    if (version.value() != 1) {
      throw new IllegalArgumentException(version.value() == 0
          ? "CID version 0 must be a bare sha2-256 multihash (12 20 <digest>)"
          : "unsupported CID version " + version.value() + " (supported: 0 and 1)");
    }
    UnsignedVarint.Decoded codec = UnsignedVarint.read(bytes, version.length(), "CID codec");
    Multicodec mc = Multicodec.fromCode(codec.value());
    return new Cid(1, mc, Multihash.read(bytes, version.length() + codec.length()));
  }

  /** 0 or 1. */
  public int version() {
    return version;
  }

  /** The content type; always {@link Multicodec#DAG_PB} for a CIDv0. */
  public Multicodec codec() {
    return codec;
  }

  /** The sha2-256 digest inside the multihash. */
  public ContentHash multihashDigest() {
    return digest;
  }

  /** The multihash: {@code 12 20 <digest>}. */
  public byte[] multihash() {
    return Multihash.sha256(digest);
  }

  /** The binary CID: the multihash for CIDv0, version + codec + multihash for CIDv1. */
  public byte[] bytes() {
    if (version == 0) {
      return multihash();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(4 + ContentHash.LENGTH);
    UnsignedVarint.write(out, 1);
    UnsignedVarint.write(out, codec.code());
    Multihash.write(out, digest);
    return out.toByteArray();
  }

  /** The CIDv1 form (a CIDv1 returns itself; a CIDv0 becomes CIDv1 dag-pb, same digest). */
  public Cid toV1() {
    return version == 1 ? this : new Cid(1, codec, digest);
  }

  /**
   * The CIDv0 form.
   *
   * @throws IllegalStateException for a codec other than dag-pb, which CIDv0 cannot express
   */
  public Cid toV0() {
    if (version == 0) {
      return this;
    }
    if (codec != Multicodec.DAG_PB) {
      throw new IllegalStateException(
          "a " + codec.label() + " CID has no CIDv0 form: CIDv0 is always dag-pb (" + this + ")");
    }
    return new Cid(0, codec, digest);
  }

  /**
   * The string in a given multibase. CIDv0 has only one form (base58btc, no prefix).
   *
   * @throws IllegalArgumentException when asking a CIDv0 for a base other than base58btc
   */
  public String toString(Multibase base) {
    if (version == 0) {
      if (base != Multibase.BASE58BTC) {
        throw new IllegalArgumentException("a CIDv0 is only written in base58btc, not " + base.label());
      }
      return Multibase.base58(bytes());
    }
    return base.encode(bytes());
  }

  /** The canonical string: base58btc for CIDv0, base32 ({@code b...}) for CIDv1. */
  @Override
  public String toString() {
    return version == 0 ? Multibase.base58(bytes()) : Multibase.BASE32.encode(bytes());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cid other && version == other.version && codec == other.codec && digest.equals(other.digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, codec, digest);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
