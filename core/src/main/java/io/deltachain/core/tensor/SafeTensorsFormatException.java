package io.deltachain.core.tensor;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not a valid safetensors file (or an index, or delta file built on one). The
 * message names the file and what is wrong with it; nothing of the file has been returned to the
 * caller when this is thrown.
 */
public class SafeTensorsFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A problem with {@code file}, described by {@code problem}. */
  public SafeTensorsFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  /** A problem with {@code file}, described by {@code problem}, caused by {@code cause}. */
  public SafeTensorsFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
