package io.deltachain.core.delta;

/** Delta metadata that breaks the schema; the message names the key and what is wrong. */
public class InvalidDeltaMetadataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A schema violation described by {@code message}. */
  public InvalidDeltaMetadataException(String message) {
    super(message);
  }

  /** A schema violation described by {@code message}, caused by {@code cause}. */
  public InvalidDeltaMetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
