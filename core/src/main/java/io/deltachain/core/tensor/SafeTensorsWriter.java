package io.deltachain.core.tensor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes a safetensors file from tensors queued with {@code add*}.
 *
 * <p>The output is a pure function of the queued names, types, shapes, values and metadata, so
 * two validators writing the same checkpoint get the same bytes (and the same content hash):
 * tensors are laid out like the reference Rust writer (descending element size, then name),
 * metadata keys are sorted and {@code __metadata__} comes first, and the header is padded with
 * spaces so the data starts at a multiple of 8. {@code {"format":"pt"}} is added to the
 * metadata unless the caller sets {@code format}, because the transformers loaders require it.
 *
 * <p>{@link #write} streams each tensor through a small direct buffer into a temporary file in
 * the target directory, forces it to disk and atomically renames it over the target: a reader
 * sees the old file or the complete new one, never a partial one.
 *
 * <p>Queued arrays and buffers are not copied: do not change them before {@code write} returns.
 */
public final class SafeTensorsWriter {
  private static final int SCRATCH_BYTES = 1 << 20;

  private final Map<String, String> metadata = new TreeMap<>();
  private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();

  /** An empty writer. */
  public SafeTensorsWriter() {}

  /** Sets one metadata entry. */
  public SafeTensorsWriter putMetadata(String key, String value) {
    Objects.requireNonNull(key, "metadata key");
    Objects.requireNonNull(value, () -> "metadata value for '" + key + "'");
    metadata.put(key, value);
    return this;
  }

  /** Sets several metadata entries. */
  public SafeTensorsWriter putAllMetadata(Map<String, String> entries) {
    entries.forEach(this::putMetadata);
    return this;
  }

  /** Queues raw little-endian bytes ({@code data.length} must equal numel × element size). */
  public SafeTensorsWriter add(String name, DType dtype, long[] shape, byte[] data) {
    return add(name, dtype, shape, ByteBuffer.wrap(data));
  }

  /** Queues the remaining bytes of {@code data} as raw little-endian bytes. */
  public SafeTensorsWriter add(String name, DType dtype, long[] shape, ByteBuffer data) {
    return queue(new PendingTensor.Bytes(name, dtype, shape, data));
  }

  /** Queues floats as an F32 tensor. */
  public SafeTensorsWriter addFloats(String name, long[] shape, float[] values) {
    return addFloats(name, DType.F32, shape, values);
  }

  /** Queues floats to be stored as {@code dtype} (F64, F32, F16 or BF16; narrowing rounds to nearest even). */
  public SafeTensorsWriter addFloats(String name, DType dtype, long[] shape, float[] values) {
    return queue(new PendingTensor.Floats(name, dtype, shape, values));
  }

  /** Queues a tensor of another open file, copied byte for byte when written (the reader must stay open). */
  public SafeTensorsWriter addFrom(SafeTensorsReader reader, String name) {
    return addFrom(reader, name, name);
  }

  /** As {@link #addFrom(SafeTensorsReader, String)}, stored under {@code newName}. */
  public SafeTensorsWriter addFrom(SafeTensorsReader reader, String name, String newName) {
    return queue(new PendingTensor.FromReader(newName, reader, reader.info(name)));
  }

  SafeTensorsWriter queue(PendingTensor t) {
    if (tensors.containsKey(t.name)) {
      throw new IllegalArgumentException("tensor '" + t.name + "' was already added");
    }
    tensors.put(t.name, t);
    return this;
  }

  /** Number of tensors queued. */
  public int size() {
    return tensors.size();
  }

  /** Total tensor data bytes queued. */
  public long dataBytes() {
    long sum = 0;
    for (PendingTensor t : tensors.values()) {
      sum += t.byteLength;
    }
    return sum;
  }

  private List<PendingTensor> dataOrder() {
    List<PendingTensor> order = new ArrayList<>(tensors.values());
    order.sort(Comparator.<PendingTensor>comparingInt(t -> -t.dtype.byteSize()).thenComparing(t -> t.name));
    return order;
  }

  /** The padded header bytes (without the 8-byte length) for the tensors queued so far. */
  byte[] header(List<PendingTensor> order) {
    JsonObject h = new JsonObject();
    Map<String, String> meta = new TreeMap<>(metadata);
    meta.putIfAbsent("format", "pt");
    JsonObject m = new JsonObject();
    meta.forEach(m::put);
    h.put(SafeTensorsReader.METADATA_KEY, m);
    long offset = 0;
    for (PendingTensor t : order) {
      JsonArray shape = new JsonArray();
      for (long d : t.shape) {
        shape.add(d);
      }
      h.put(t.name, new JsonObject()
          .put("dtype", t.dtype.headerName())
          .put("shape", shape)
          .put("data_offsets", new JsonArray().add(offset).add(offset + t.byteLength)));
      offset += t.byteLength;
    }
    byte[] json = h.encode().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    if (padded > SafeTensorsReader.MAX_HEADER_BYTES) {
      throw new IllegalStateException("header of " + padded + " bytes exceeds the format's limit");
    }
    byte[] out = new byte[padded];
    System.arraycopy(json, 0, out, 0, json.length);
    java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }

  /**
   * Writes the file atomically (temporary file, fsync, rename, fsync of the directory).
   *
   * @return the number of bytes written
   */
  public long write(Path file) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    List<PendingTensor> order = dataOrder();
    byte[] header = header(order);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      long total;
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        PendingTensor.writeFully(out, len);
        PendingTensor.writeFully(out, ByteBuffer.wrap(header));
        ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long expected = 8 + header.length;
        for (PendingTensor t : order) {
          t.writeTo(out, scratch);
          expected += t.byteLength;
          if (out.position() != expected) {
            throw new IOException("tensor '" + t.name + "' wrote " + (out.position() - expected + t.byteLength)
                + " bytes, expected " + t.byteLength);
          }
        }
        out.force(true);
        total = out.position();
      }
      moveAtomically(tmp, target);
      moved = true;
      fsyncDirectory(dir);
      return total;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  static void moveAtomically(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void fsyncDirectory(Path dir) {
    // Makes the rename durable on Linux; some platforms cannot open a directory, which is fine.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort
    }
  }

  /** Writes {@code bytes} to {@code file} atomically, as {@link #write} does (used for JSON side files). */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        PendingTensor.writeFully(out, ByteBuffer.wrap(bytes));
        out.force(true);
      }
      moveAtomically(tmp, target);
      moved = true;
      fsyncDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
