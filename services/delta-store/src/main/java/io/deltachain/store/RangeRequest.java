package io.deltachain.store;

/**
 * A byte range asked for before the content size is known: an HTTP-style
 * {@code first-last}, {@code first-} or suffix {@code -n}, resolved against the size by
 * {@link #resolve(long)}.
 */
public sealed interface RangeRequest {
  /** The concrete range for a content of {@code size} bytes; throws RANGE_NOT_SATISFIABLE. */
  ByteRange resolve(long size);

  /** {@code length} bytes from {@code offset} (length -1: to the end). */
  static RangeRequest of(long offset, long length) {
    return new FromOffset(offset, length);
  }

  /** An HTTP {@code Range} header value. */
  static RangeRequest http(String header) {
    return new Http(header);
  }

  /** Offset and optional length. */
  record FromOffset(long offset, long length) implements RangeRequest {
    @Override
    public ByteRange resolve(long size) {
      if (offset < 0 || offset > size || (offset == size && size > 0)) {
        throw new StoreException(StoreError.RANGE_NOT_SATISFIABLE,
            "offset " + offset + " is outside the content of " + size + " bytes");
      }
      long len = length < 0 ? size - offset : length;
      if (offset + len > size) {
        throw new StoreException(StoreError.RANGE_NOT_SATISFIABLE,
            "range " + offset + "+" + len + " runs past the end of the content (" + size + " bytes)");
      }
      return new ByteRange(offset, len);
    }
  }

  /** An HTTP header. */
  record Http(String header) implements RangeRequest {
    @Override
    public ByteRange resolve(long size) {
      return ByteRange.parseHttp(header, size);
    }
  }
}
