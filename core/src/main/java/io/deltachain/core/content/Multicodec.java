package io.deltachain.core.content;

/**
 * The content types (multicodecs) a deltachain CID may name. kubo gives a file of one chunk
 * added with {@code cid-version=1} the {@link #RAW} codec; CIDv0 and larger files use
 * {@link #DAG_PB} (a UnixFS node).
 */
public enum Multicodec {
  /** Raw bytes: the CID's digest is the SHA-256 of the content itself. */
  RAW(0x55, "raw"),
  /** A MerkleDAG protobuf node (UnixFS): the digest is of the node, not of the file. */
  DAG_PB(0x70, "dag-pb");

  private final int code;
  private final String label;

  Multicodec(int code, String label) {
    this.code = code;
    this.label = label;
  }

  /** The multicodec table code. */
  public int code() {
    return code;
  }

  /** The multicodec table name, e.g. {@code dag-pb}. */
  public String label() {
    return label;
  }

  /**
   * The codec with this table code.
   *
   * @throws IllegalArgumentException naming the code and the supported ones
   */
  public static Multicodec fromCode(long code) {
    for (Multicodec c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "unknown codec 0x" + Long.toHexString(code) + " (supported: raw 0x55, dag-pb 0x70)");
  }
}
