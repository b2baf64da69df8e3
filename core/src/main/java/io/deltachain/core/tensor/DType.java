package io.deltachain.core.tensor;

import java.util.Locale;

/**
 * Element types of safetensors tensors, named exactly as they appear in a file header. Only
 * the types with a whole number of bytes per element are supported; a file using another type
 * (F8, F6, F4, C64) is rejected by the reader with the type's name.
 */
public enum DType {
  F64(8, true),
  F32(4, true),
  F16(2, true),
  BF16(2, true),
  I64(8, false),
  I32(4, false),
  I16(2, false),
  I8(1, false),
  U64(8, false),
  U32(4, false),
  U16(2, false),
  U8(1, false),
  /** One byte per element, 0 or 1. */
  BOOL(1, false);

  private final int byteSize;
  private final boolean floatingPoint;

  DType(int byteSize, boolean floatingPoint) {
    this.byteSize = byteSize;
    this.floatingPoint = floatingPoint;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether this is a floating-point type (F64, F32, F16, BF16). */
  public boolean isFloatingPoint() {
    return floatingPoint;
  }

  /** The name used in safetensors headers (same as {@link #name()}). */
  public String headerName() {
    return name();
  }

  /**
   * Looks up a header dtype name (case-sensitive, as the format requires).
   *
   * @return the type, or {@code null} when the name is not a supported dtype
   */
  public static DType fromHeaderName(String name) {
    if (name == null) {
      return null;
    }
    for (DType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** Parses a dtype name in any case; throws {@link IllegalArgumentException} naming the choices. */
  public static DType parse(String name) {
    DType t = name == null ? null : fromHeaderName(name.toUpperCase(Locale.ROOT));
    if (t == null) {
      throw new IllegalArgumentException(
          "unknown dtype '" + name + "'; expected one of " + java.util.Arrays.toString(values()));
    }
    return t;
  }
}
