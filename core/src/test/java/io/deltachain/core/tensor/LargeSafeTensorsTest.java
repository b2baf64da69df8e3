package io.deltachain.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Files above 2 GiB, made fast with sparse files: only the header and a few values are really
 * written, the rest are holes the file system reads back as zeros.
 */
class LargeSafeTensorsTest {
  private Path file;

  @AfterEach
  void cleanUp() throws IOException {
    if (file != null) {
      Files.deleteIfExists(file);
    }
  }

  /** Writes a sparse file with the given header; returns the absolute offset of the data buffer. */
  private long sparseFile(String header, long dataLength) throws IOException {
    file = Files.createTempFile("deltachain-large-", ".safetensors");
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
      raf.write(len.array());
      raf.write(h);
      raf.setLength(8 + h.length + dataLength);
    }
    return 8 + h.length;
  }

  private void putFloat(long position, float value) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(position);
      raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    }
  }

  @Test
  @DisplayName("a 2.2 GB file with tensors past the 2 GiB mark reads the right values at the end")
  void tensorsPastTwoGigabytes() throws IOException {
    long a = 300_000_000L; // F32: 1.2 GB
    long b = 250_000_000L; // F32: 1.0 GB, crosses byte 2^31 of the data buffer
    long tail = 1024;
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[" + a + "],\"data_offsets\":[0," + 4 * a + "]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[" + b + "],\"data_offsets\":[" + 4 * a + "," + 4 * (a + b) + "]},"
        + "\"tail\":{\"dtype\":\"F32\",\"shape\":[" + tail + "],\"data_offsets\":[" + 4 * (a + b) + "," + 4 * (a + b + tail)
        + "]}}";
    long data = sparseFile(header, 4 * (a + b + tail));
    assertThat(Files.size(file)).isGreaterThan(2_200_000_000L);
    long crossing = ((1L << 31) - 4 * a) / 4; // element of b whose bytes start at data offset 2^31
    putFloat(data + 4 * a, 11f); // b[0]
    putFloat(data + 4 * a + 4 * (crossing - 1), 12f);
    putFloat(data + 4 * a + 4 * crossing, 13f);
    putFloat(data + 4 * (a + b) - 4, 14f); // b[last]
    putFloat(data + 4 * (a + b + tail) - 4, 15f); // tail[last]
    putFloat(data + 4 * (a + b), 16f); // tail[0]

    try (SafeTensorsReader r = SafeTensorsReader.open(file)) {
      assertThat(r.regionCount()).isEqualTo(2); // a (1.2 GB) is above the 1 GiB region size; b and tail share one
      float[] t = r.readFloats("tail");
      assertThat(t[0]).isEqualTo(16f);
      assertThat(t[(int) tail - 1]).isEqualTo(15f);
      assertThat(t[1]).isZero();
      float[] window = new float[4];
      r.readFloats("b", crossing - 2, window, 0, 4);
      assertThat(window).containsExactly(0f, 12f, 13f, 0f);
      r.readFloats("b", b - 1, window, 0, 1);
      assertThat(window[0]).isEqualTo(14f);
      ByteBuffer view = r.buffer("b");
      assertThat(view.capacity()).isEqualTo((int) (4 * b));
      assertThat(view.getFloat(0)).isEqualTo(11f);
      assertThat(view.getFloat((int) (4 * crossing))).isEqualTo(13f);
    }
  }

  @Test
  @DisplayName("a single tensor above 2 GiB is read in ranges and refuses a single buffer")
  void tensorAboveTwoGigabytes() throws IOException {
    long n = 2_200_000_000L; // U8: more elements and bytes than one array or buffer holds
    String header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + n + "],\"data_offsets\":[0," + n + "]},"
        + "\"last\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[" + n + "," + (n + 4) + "]}}";
    long data = sparseFile(header, n + 4);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(data + n - 1);
      raf.write(200);
    }
    putFloat(data + n, -3.5f);
    try (SafeTensorsReader r = SafeTensorsReader.open(file)) {
      assertThat(r.readFloats("last")).containsExactly(-3.5f);
      float[] end = new float[2];
      r.readFloats("big", n - 2, end, 0, 2);
      assertThat(end).containsExactly(0f, 200f);
      assertThat(r.buffer("big", n - 1, 1).get(0)).isEqualTo((byte) 200);
      assertThatThrownBy(() -> r.buffer("big")).isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("'big'");
      assertThatThrownBy(() -> r.readFloats("big")).isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
