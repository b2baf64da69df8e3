package io.deltachain.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {
  @TempDir Path dir;

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @Test
  @DisplayName("every dtype round-trips its raw bytes, shape and name")
  void everyDtypeRoundTrips() throws IOException {
    SafeTensorsWriter w = new SafeTensorsWriter();
    long[] shape = {3, 5};
    for (DType t : DType.values()) {
      byte[] data = randomBytes(15 * t.byteSize(), t.ordinal());
      if (t == DType.BOOL) {
        for (int i = 0; i < data.length; i++) {
          data[i] &= 1;
        }
      }
      w.add("t_" + t, t, shape, data);
    }
    Path f = dir.resolve("all.safetensors");
    w.write(f);
    try (SafeTensorsReader r = SafeTensorsReader.open(f)) {
      assertThat(r.tensors()).hasSize(DType.values().length);
      for (DType t : DType.values()) {
        TensorInfo info = r.info("t_" + t);
        assertThat(info.dtype()).isEqualTo(t);
        assertThat(info.shape()).containsExactly(3, 5);
        byte[] expected = randomBytes(15 * t.byteSize(), t.ordinal());
        if (t == DType.BOOL) {
          for (int i = 0; i < expected.length; i++) {
            expected[i] &= 1;
          }
        }
        assertThat(r.readBytes("t_" + t)).as("%s", t).isEqualTo(expected);
      }
    }
  }

  @Test
  @DisplayName("floats stored as F32, F64, F16 and BF16 read back as the rounded values")
  void floatsThroughEveryFloatType() throws IOException {
    float[] values = new float[1000];
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) rnd.nextGaussian() * 3;
    }
    values[0] = 0f;
    values[1] = -0f;
    values[2] = Float.POSITIVE_INFINITY;
    SafeTensorsWriter w = new SafeTensorsWriter();
    for (DType t : List.of(DType.F32, DType.F64, DType.F16, DType.BF16)) {
      w.addFloats("x_" + t, t, new long[] {10, 100}, values);
    }
    Path f = dir.resolve("floats.safetensors");
    w.write(f);
    try (SafeTensorsReader r = SafeTensorsReader.open(f)) {
      assertThat(r.readFloats("x_F32")).isEqualTo(values);
      assertThat(r.readFloats("x_F64")).isEqualTo(values);
      float[] h = r.readFloats("x_F16");
      float[] b = r.readFloats("x_BF16");
      for (int i = 0; i < values.length; i++) {
        assertThat(h[i]).isEqualTo(HalfFloats.f16ToFloat(HalfFloats.floatToF16(values[i])));
        assertThat(b[i]).isEqualTo(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(values[i])));
      }
      // the raw F16 bytes are the little-endian half bits
      ByteBuffer raw = r.buffer("x_F16");
      assertThat(raw.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
      assertThat(raw.getShort(2 * 7)).isEqualTo(HalfFloats.floatToF16(values[7]));
    }
  }

  @Test
  @DisplayName("integer tensors read back as exact longs and as floats")
  void integersAsLongsAndFloats() throws IOException {
    ByteBuffer i64 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).putLong(1L << 40).putLong(7);
    ByteBuffer u16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFF).putShort((short) 3);
    Path f = dir.resolve("ints.safetensors");
    new SafeTensorsWriter()
        .add("i64", DType.I64, new long[] {3}, i64.array())
        .add("u16", DType.U16, new long[] {2}, u16.array())
        .add("i8", DType.I8, new long[] {2}, new byte[] {-128, 127})
        .write(f);
    try (SafeTensorsReader r = SafeTensorsReader.open(f)) {
      assertThat(r.readLongs("i64")).containsExactly(-5, 1L << 40, 7);
      assertThat(r.readLongs("u16")).containsExactly(65535, 3);
      assertThat(r.readFloats("u16")).containsExactly(65535f, 3f);
      assertThat(r.readFloats("i8")).containsExactly(-128f, 127f);
    }
  }

  @Test
  @DisplayName("the writer produces the exact layout of the reference implementation")
  void exactBytes() throws IOException {
    Path f = dir.resolve("golden.safetensors");
    new SafeTensorsWriter()
        .addFloats("b", new long[] {2}, new float[] {1f, 2f})
        .add("a", DType.U8, new long[] {1}, new byte[] {9})
        .write(f);
    String json = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[8,9]}}";
    int padded = (json.length() + 7) / 8 * 8;
    ByteBuffer expected = ByteBuffer.allocate(8 + padded + 9).order(ByteOrder.LITTLE_ENDIAN);
    expected.putLong(padded).put(json.getBytes(StandardCharsets.US_ASCII));
    while (expected.position() < 8 + padded) {
      expected.put((byte) ' ');
    }
    expected.putFloat(1f).putFloat(2f).put((byte) 9);
    assertThat(Files.readAllBytes(f)).isEqualTo(expected.array());
  }

  @Test
  @DisplayName("metadata round-trips, format=pt is added unless given, and the header is 8-byte aligned")
  void metadata() throws IOException {
    Path f = dir.resolve("m.safetensors");
    new SafeTensorsWriter().putMetadata("z", "last").putMetadata("a", "first \"quoted\" ünïcode")
        .addFloats("x", new long[] {1}, new float[] {1f}).write(f);
    try (SafeTensorsReader r = SafeTensorsReader.open(f)) {
      assertThat(r.metadata()).containsExactly(Map.entry("a", "first \"quoted\" ünïcode"), Map.entry("format", "pt"),
          Map.entry("z", "last"));
      assertThat(r.dataStart() % 8).isZero();
    }
    Path g = dir.resolve("tf.safetensors");
    new SafeTensorsWriter().putMetadata("format", "tf").addFloats("x", new long[] {1}, new float[] {1f}).write(g);
    try (SafeTensorsReader r = SafeTensorsReader.open(g)) {
      assertThat(r.metadata()).containsExactly(Map.entry("format", "tf"));
    }
  }

  @Test
  @DisplayName("scalars, empty tensors and an empty file are valid")
  void scalarsAndEmpty() throws IOException {
    Path f = dir.resolve("edge.safetensors");
    new SafeTensorsWriter()
        .addFloats("scalar", new long[] {}, new float[] {42f})
        .addFloats("empty", new long[] {0, 4}, new float[0])
        .addFloats("after", new long[] {2}, new float[] {1f, 2f})
        .write(f);
    try (SafeTensorsReader r = SafeTensorsReader.open(f)) {
      assertThat(r.readFloats("scalar")).containsExactly(42f);
      assertThat(r.info("scalar").rank()).isZero();
      assertThat(r.readFloats("empty")).isEmpty();
      assertThat(r.readFloats("after")).containsExactly(1f, 2f);
    }
    Path e = dir.resolve("none.safetensors");
    new SafeTensorsWriter().write(e);
    try (SafeTensorsReader r = SafeTensorsReader.open(e)) {
      assertThat(r.tensors()).isEmpty();
      assertThat(r.metadata()).containsEntry("format", "pt");
    }
  }

  @Test
  @DisplayName("output bytes do not depend on the order tensors and metadata were added")
  void deterministic() throws IOException {
    float[] a = {1, 2, 3};
    byte[] b = {1, 2};
    Path f1 = dir.resolve("1.safetensors");
    Path f2 = dir.resolve("2.safetensors");
    new SafeTensorsWriter().putMetadata("k1", "v").putMetadata("k2", "w")
        .addFloats("a", new long[] {3}, a).add("b", DType.U8, new long[] {2}, b).write(f1);
    new SafeTensorsWriter().putMetadata("k2", "w").putMetadata("k1", "v")
        .add("b", DType.U8, new long[] {2}, b).addFloats("a", new long[] {3}, a).write(f2);
    assertThat(Files.readAllBytes(f1)).isEqualTo(Files.readAllBytes(f2));
  }

  @Test
  @DisplayName("reads are correct across region seams when the data is mapped in many small regions")
  void smallRegions() throws IOException {
    SafeTensorsWriter w = new SafeTensorsWriter();
    float[][] all = new float[20][];
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < all.length; i++) {
      all[i] = new float[1 + rnd.nextInt(40)];
      for (int j = 0; j < all[i].length; j++) {
        all[i][j] = (float) rnd.nextGaussian();
      }
      w.addFloats(String.format("t%02d", i), new long[] {all[i].length}, all[i]);
    }
    Path f = dir.resolve("regions.safetensors");
    w.write(f);
    try (SafeTensorsReader r = SafeTensorsReader.open(f, 64)) {
      assertThat(r.regionCount()).isGreaterThan(5);
      for (int i = 0; i < all.length; i++) {
        String name = String.format("t%02d", i);
        assertThat(r.readFloats(name)).isEqualTo(all[i]);
        if (all[i].length > 3) {
          float[] part = new float[2];
          r.readFloats(name, 1, part, 0, 2);
          assertThat(part).containsExactly(all[i][1], all[i][2]);
        }
      }
    }
  }

  @Test
  @DisplayName("a tensor copied from another file arrives byte for byte")
  void copyFromReader() throws IOException {
    Path src = dir.resolve("src.safetensors");
    float[] v = {1.5f, -2f, 3.25f};
    new SafeTensorsWriter().addFloats("w", DType.BF16, new long[] {3}, v).write(src);
    Path dst = dir.resolve("dst.safetensors");
    try (SafeTensorsReader r = SafeTensorsReader.open(src)) {
      new SafeTensorsWriter().addFrom(r, "w", "renamed").write(dst);
    }
    try (SafeTensorsReader r = SafeTensorsReader.open(dst)) {
      assertThat(r.info("renamed").dtype()).isEqualTo(DType.BF16);
      assertThat(r.readFloats("renamed")).containsExactly(v);
    }
  }

  @Test
  @DisplayName("writing replaces the target atomically and leaves no temporary files")
  void atomicWrite() throws IOException {
    Path f = dir.resolve("atomic.safetensors");
    new SafeTensorsWriter().addFloats("x", new long[] {1}, new float[] {1f}).write(f);
    new SafeTensorsWriter().addFloats("x", new long[] {1}, new float[] {2f}).write(f);
    try (SafeTensorsReader r = SafeTensorsReader.open(f)) {
      assertThat(r.readFloats("x")).containsExactly(2f);
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("atomic.safetensors");
    }
  }

  @Test
  @DisplayName("the writer rejects inconsistent tensors before touching the disk")
  void writerValidation() {
    SafeTensorsWriter w = new SafeTensorsWriter();
    assertThatThrownBy(() -> w.addFloats("x", new long[] {2, 2}, new float[3]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'").hasMessageContaining("4 elements");
    assertThatThrownBy(() -> w.add("y", DType.I32, new long[] {2}, new byte[7]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 8 bytes");
    assertThatThrownBy(() -> w.addFloats("z", DType.I8, new long[] {1}, new float[1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("I8");
    assertThatThrownBy(() -> w.addFloats("__metadata__", new long[] {1}, new float[1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    w.addFloats("dup", new long[] {1}, new float[1]);
    assertThatThrownBy(() -> w.addFloats("dup", new long[] {1}, new float[1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already added");
  }

  @Test
  @DisplayName("asking for a missing tensor names it and the file")
  void missingTensor() throws IOException {
    Path f = dir.resolve("one.safetensors");
    new SafeTensorsWriter().addFloats("x", new long[] {1}, new float[] {1f}).write(f);
    try (SafeTensorsReader r = SafeTensorsReader.open(f)) {
      assertThatThrownBy(() -> r.readFloats("nope"))
          .isInstanceOf(java.util.NoSuchElementException.class)
          .hasMessageContaining("'nope'").hasMessageContaining("one.safetensors");
      assertThat(Arrays.asList(r.names().toArray())).containsExactly("x");
    }
  }
}
