package io.deltachain.store;

import io.deltachain.core.content.ContentHash;

/**
 * How to store one upload.
 *
 * @param expectedHash the hash the caller declares, or null; a mismatch stores nothing
 * @param declaredSize the size the caller announces (e.g. Content-Length), or -1 when unknown
 * @param maxBytes the largest size accepted; larger uploads fail with {@link StoreError#TOO_LARGE}
 */
public record PutOptions(ContentHash expectedHash, long declaredSize, long maxBytes) {
  /** No declared hash or size, no limit. */
  public static final PutOptions NONE = new PutOptions(null, -1, Long.MAX_VALUE);

  /** Declares the expected hash. */
  public PutOptions withExpectedHash(ContentHash hash) {
    return new PutOptions(hash, declaredSize, maxBytes);
  }

  /** Declares the size. */
  public PutOptions withDeclaredSize(long size) {
    return new PutOptions(expectedHash, size, maxBytes);
  }

  /** Sets the size limit. */
  public PutOptions withMaxBytes(long max) {
    return new PutOptions(expectedHash, declaredSize, max);
  }

  /** Fails fast when a declared size is already over the limit. */
  public void checkDeclaredSize() {
    if (declaredSize > maxBytes) {
      throw tooLarge(declaredSize);
    }
  }

  /** The error for an upload of {@code size} bytes over the limit. */
  public StoreException tooLarge(long size) {
    return new StoreException(StoreError.TOO_LARGE,
        "upload of " + (declaredSize >= 0 && size == declaredSize ? "" : "at least ") + size
            + " bytes exceeds the limit of " + maxBytes + " bytes; nothing was stored");
  }
}
