package io.deltachain.core.crypto;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A key file that exists but cannot be used: malformed JSON, wrong key types or lengths, a
 * public key or address that does not match the private key, or permissions that let other
 * users read it. The message names the file and the problem.
 */
public class InvalidKeyFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The file and what is wrong with it. */
  public InvalidKeyFileException(Path file, String problem) {
    super(file + ": " + problem);
  }

  /** The file, what is wrong with it, and the underlying error. */
  public InvalidKeyFileException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
