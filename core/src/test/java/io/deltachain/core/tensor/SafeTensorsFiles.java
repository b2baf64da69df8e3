package io.deltachain.core.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, so tests can make every kind of broken file. */
final class SafeTensorsFiles {
  private SafeTensorsFiles() {}

  /** {@code u64 len(header)}, the header as UTF-8, then {@code data}. */
  static Path raw(Path file, String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return raw(file, h.length, h, data);
  }

  /** A file whose length field says {@code declaredLength}, whatever the header bytes are. */
  static Path raw(Path file, long declaredLength, byte[] header, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declaredLength).put(header).put(data);
    Files.write(file, b.array());
    return file;
  }

  static byte[] floatsLe(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }
}
