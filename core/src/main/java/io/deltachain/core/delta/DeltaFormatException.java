package io.deltachain.core.delta;

import io.deltachain.core.tensor.SafeTensorsFormatException;
import java.nio.file.Path;

/**
 * A file that is a valid safetensors file but not a valid delta file (wrong or missing schema
 * version, inconsistent metadata, missing or unexpected tensors). Names the file and problem.
 */
public class DeltaFormatException extends SafeTensorsFormatException {
  private static final long serialVersionUID = 1L;

  /** A problem with {@code file}. */
  public DeltaFormatException(Path file, String problem) {
    super(file, problem);
  }

  /** A problem with {@code file}, caused by {@code cause}. */
  public DeltaFormatException(Path file, String problem, Throwable cause) {
    super(file, problem, cause);
  }
}
