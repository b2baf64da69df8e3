package io.deltachain.store;

/**
 * A resolved byte range of a content of known size: {@code offset} and {@code length} with
 * {@code 0 <= offset}, {@code offset + length <= size}.
 *
 * @param offset first byte
 * @param length number of bytes (may be 0 only for empty content)
 */
public record ByteRange(long offset, long length) {
  public ByteRange {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("a byte range needs offset >= 0 and length >= 0, got " + offset + "+" + length);
    }
  }

  /** The whole content. */
  public static ByteRange whole(long size) {
    return new ByteRange(0, size);
  }

  /** The last byte, inclusive (offset - 1 for an empty range). */
  public long lastInclusive() {
    return offset + length - 1;
  }

  /** Whether this covers a whole content of the given size. */
  public boolean isWhole(long size) {
    return offset == 0 && length == size;
  }

  /**
   * Parses an HTTP {@code Range} header against a size: {@code bytes=a-b}, {@code bytes=a-}
   * or {@code bytes=-n}. One range only.
   *
   * @throws StoreException {@link StoreError#RANGE_NOT_SATISFIABLE} naming what is wrong
   */
  public static ByteRange parseHttp(String header, long size) {
    String h = header.trim();
    if (!h.startsWith("bytes=")) {
      throw unsatisfiable(header, "only 'bytes=' ranges are supported");
    }
    String spec = h.substring("bytes=".length()).trim();
    if (spec.contains(",")) {
      throw unsatisfiable(header, "multiple ranges are not supported; ask for one range");
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      throw unsatisfiable(header, "expected 'bytes=first-last', 'bytes=first-' or 'bytes=-suffixLength'");
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    try {
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          throw unsatisfiable(header, "a suffix range needs a positive length");
        }
        if (size == 0) {
          throw unsatisfiable(header, "the content is empty");
        }
        long n = Math.min(suffix, size);
        return new ByteRange(size - n, n);
      }
      long first = Long.parseLong(a);
      if (first < 0) {
        throw unsatisfiable(header, "negative first byte");
      }
      if (first >= size) {
        throw unsatisfiable(header, "first byte " + first + " is at or past the end of the content (" + size + " bytes)");
      }
      long last = b.isEmpty() ? size - 1 : Long.parseLong(b);
      if (last < first) {
        throw unsatisfiable(header, "last byte " + last + " is before first byte " + first);
      }
      last = Math.min(last, size - 1);
      return new ByteRange(first, last - first + 1);
    } catch (NumberFormatException e) {
      throw unsatisfiable(header, "positions must be decimal integers");
    }
  }

  private static StoreException unsatisfiable(String header, String why) {
    return new StoreException(StoreError.RANGE_NOT_SATISFIABLE, "bad Range '" + header + "': " + why);
  }
}
