package io.deltachain.core.tensor;

import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a safetensors file: {@code u64 N} (little-endian), {@code N} bytes of JSON header,
 * then the raw little-endian data of every tensor.
 *
 * <p>{@link #open} validates the whole header before returning anything: header size and
 * bounds, UTF-8 and JSON syntax, duplicate keys, known dtypes, shapes, a string-to-string
 * {@code __metadata__}, and that the tensors' byte ranges tile the data buffer from 0 with no
 * hole or overlap and end exactly at the end of the file. A broken file fails with a
 * {@link SafeTensorsFormatException} naming the file and the problem.
 *
 * <p>The data is never loaded into the heap as a whole. It is memory-mapped lazily in regions
 * of at most {@value #DEFAULT_REGION_BYTES} bytes that start and end on tensor boundaries, so
 * files (and shards) far above 2 GB work; a single tensor too large for one {@link ByteBuffer}
 * is mapped in pieces when its values are copied out.
 *
 * <p>A reader is safe to share between threads once open. Buffers it returned stay readable
 * after {@link #close()} until they are garbage collected (Java cannot unmap eagerly), but the
 * reader itself refuses further calls.
 */
public final class SafeTensorsReader implements AutoCloseable {
  /** The header key that holds the optional string-to-string metadata. */
  public static final String METADATA_KEY = "__metadata__";
  /** Largest header the format allows (the reference implementation's limit). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;
  /** Default upper bound of one mapped region. */
  public static final long DEFAULT_REGION_BYTES = 1L << 30;
  /** Largest range one {@link ByteBuffer} can map. */
  static final long MAX_MAPPABLE = Integer.MAX_VALUE - 7;
  /** Floats (or bytes) converted per chunk when widening from a narrower type. */
  private static final int CHUNK_ELEMENTS = 1 << 14;

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final long dataLength;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, Integer> indexOf;
  private final List<TensorInfo> ordered;
  private final Map<String, String> metadata;
  private final long regionBytes;
  /** For each tensor in data order: its region, or -1 when it is mapped on demand in pieces. */
  private final int[] regionOfTensor;
  private final long[] regionBegin;
  private final long[] regionEnd;
  private final MappedByteBuffer[] regions;
  private volatile boolean closed;

  private SafeTensorsReader(
      Path file, FileChannel channel, long dataStart, long dataLength, List<TensorInfo> ordered,
      Map<String, String> metadata, long regionBytes) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.dataLength = dataLength;
    this.ordered = List.copyOf(ordered);
    this.metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    Map<String, TensorInfo> byName = new LinkedHashMap<>();
    Map<String, Integer> idx = new java.util.HashMap<>();
    for (int i = 0; i < ordered.size(); i++) {
      byName.put(ordered.get(i).name(), ordered.get(i));
      idx.put(ordered.get(i).name(), i);
    }
    this.tensors = Collections.unmodifiableMap(byName);
    this.indexOf = idx;
    this.regionBytes = regionBytes;
    this.regionOfTensor = new int[ordered.size()];
    List<long[]> bounds = new ArrayList<>();
    long curBegin = -1;
    long curEnd = -1;
    for (int i = 0; i < ordered.size(); i++) {
      TensorInfo t = ordered.get(i);
      if (t.byteLength() > regionBytes) {
        if (t.byteLength() <= MAX_MAPPABLE) {
          bounds.add(new long[] {t.dataBegin(), t.dataEnd()});
          regionOfTensor[i] = bounds.size() - 1;
        } else {
          regionOfTensor[i] = -1;
        }
        curBegin = -1;
        continue;
      }
      if (curBegin < 0 || t.dataEnd() - curBegin > regionBytes) {
        curBegin = t.dataBegin();
        curEnd = t.dataEnd();
        bounds.add(new long[] {curBegin, curEnd});
      } else {
        curEnd = t.dataEnd();
        bounds.get(bounds.size() - 1)[1] = curEnd;
      }
      regionOfTensor[i] = bounds.size() - 1;
    }
    this.regionBegin = new long[bounds.size()];
    this.regionEnd = new long[bounds.size()];
    for (int r = 0; r < bounds.size(); r++) {
      regionBegin[r] = bounds.get(r)[0];
      regionEnd[r] = bounds.get(r)[1];
    }
    this.regions = new MappedByteBuffer[bounds.size()];
  }

  /**
   * Opens and validates a safetensors file.
   *
   * @throws SafeTensorsFormatException if the file is not a valid safetensors file
   * @throws IOException if it cannot be read
   */
  public static SafeTensorsReader open(Path file) throws IOException {
    return open(file, DEFAULT_REGION_BYTES);
  }

  /** As {@link #open(Path)}, with a smaller region size (tests use it to exercise region seams). */
  static SafeTensorsReader open(Path file, long regionBytes) throws IOException {
    if (regionBytes < 8 || regionBytes > MAX_MAPPABLE) {
      throw new IllegalArgumentException("region size must be between 8 and " + MAX_MAPPABLE + " bytes");
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return parse(file, ch, regionBytes);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static SafeTensorsReader parse(Path file, FileChannel ch, long regionBytes) throws IOException {
    long size = ch.size();
    if (size < 8) {
      throw new SafeTensorsFormatException(file, "file is " + size + " bytes, too short to hold the 8-byte header length");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf, 0);
    long n = lenBuf.getLong(0);
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw new SafeTensorsFormatException(
          file, "header length " + Long.toUnsignedString(n) + " exceeds the format's limit of " + MAX_HEADER_BYTES + " bytes");
    }
    if (n > size - 8) {
      throw new SafeTensorsFormatException(
          file, "header length " + n + " runs past the end of the file (" + size + " bytes)");
    }
    if (n == 0) {
      throw new SafeTensorsFormatException(file, "header is empty");
    }
    ByteBuffer hb = ByteBuffer.allocate((int) n);
    readFully(ch, hb, 8);
    String header;
    try {
      header = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(hb.flip())
          .toString();
    } catch (CharacterCodingException e) {
      throw new SafeTensorsFormatException(file, "header is not valid UTF-8", e);
    }
    if (header.charAt(0) != '{') {
      throw new SafeTensorsFormatException(file, "header does not start with '{' (not a safetensors file?)");
    }
    JsonObject json = parseStrictJson(file, header, "header");

    long dataStart = 8 + n;
    long dataLength = size - dataStart;
    Map<String, String> metadata = new TreeMap<>();
    List<TensorInfo> infos = new ArrayList<>(json.size());
    for (Map.Entry<String, Object> e : json) {
      String key = e.getKey();
      Object value = e.getValue();
      if (key.equals(METADATA_KEY)) {
        if (!(value instanceof JsonObject m)) {
          throw new SafeTensorsFormatException(file, "'" + METADATA_KEY + "' is not a JSON object");
        }
        for (Map.Entry<String, Object> me : m) {
          if (!(me.getValue() instanceof String s)) {
            throw new SafeTensorsFormatException(
                file, "metadata value for key '" + me.getKey() + "' is not a string (" + describe(me.getValue()) + ")");
          }
          metadata.put(me.getKey(), s);
        }
        continue;
      }
      infos.add(tensorInfo(file, key, value));
    }
    // The data order, not the JSON order, is what must tile the buffer.
    infos.sort(Comparator.comparingLong(TensorInfo::dataBegin).thenComparingLong(TensorInfo::dataEnd));
    long expected = 0;
    TensorInfo previous = null;
    for (TensorInfo t : infos) {
      if (t.dataBegin() > expected) {
        throw new SafeTensorsFormatException(
            file, "hole in the data buffer: bytes [" + expected + ", " + t.dataBegin() + ") belong to no tensor (before '"
                + t.name() + "')");
      }
      if (t.dataBegin() < expected) {
        throw new SafeTensorsFormatException(
            file, "tensor '" + t.name() + "' at [" + t.dataBegin() + ", " + t.dataEnd() + ") overlaps '"
                + previous.name() + "' at [" + previous.dataBegin() + ", " + previous.dataEnd() + ")");
      }
      expected = t.dataEnd();
      previous = t;
    }
    if (expected != dataLength) {
      throw new SafeTensorsFormatException(
          file, "the header describes " + expected + " data bytes but the file holds " + dataLength
              + " bytes after the header (" + (expected > dataLength ? "truncated file" : "trailing bytes") + ")");
    }
    return new SafeTensorsReader(file, ch, dataStart, dataLength, infos, metadata, regionBytes);
  }

  /**
   * Parses JSON text whose top level must be an object, rejecting duplicate keys at any depth
   * and trailing content.
   */
  static JsonObject parseStrictJson(Path file, String text, String what) throws SafeTensorsFormatException {
    try {
      JsonParser parser = JacksonCodec.createParser(text);
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      Object parsed = JacksonCodec.fromParser(parser, Object.class);
      if (!(parsed instanceof JsonObject obj)) {
        throw new SafeTensorsFormatException(file, what + " is not a JSON object");
      }
      return obj;
    } catch (DecodeException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("Duplicate field")) {
        throw new SafeTensorsFormatException(file, what + " has a duplicate key: " + firstLine(msg), e);
      }
      throw new SafeTensorsFormatException(file, what + " is not valid JSON: " + firstLine(msg), e);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static TensorInfo tensorInfo(Path file, String name, Object value) throws SafeTensorsFormatException {
    if (!(value instanceof JsonObject o)) {
      throw new SafeTensorsFormatException(file, "entry for tensor '" + name + "' is not a JSON object");
    }
    for (String k : o.fieldNames()) {
      if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
        throw new SafeTensorsFormatException(file, "tensor '" + name + "' has an unknown field '" + k + "'");
      }
    }
    Object dt = o.getValue("dtype");
    if (!(dt instanceof String dtName)) {
      throw new SafeTensorsFormatException(file, "tensor '" + name + "' has no string 'dtype'");
    }
    DType dtype = DType.fromHeaderName(dtName);
    if (dtype == null) {
      throw new SafeTensorsFormatException(file, "tensor '" + name + "' has unknown or unsupported dtype '" + dtName + "'");
    }
    long[] shape = longArray(file, name, "shape", o.getValue("shape"), -1);
    long[] offsets = longArray(file, name, "data_offsets", o.getValue("data_offsets"), 2);
    try {
      return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    } catch (IllegalArgumentException e) {
      throw new SafeTensorsFormatException(file, e.getMessage(), e);
    }
  }

  private static long[] longArray(Path file, String name, String field, Object v, int requiredLength)
      throws SafeTensorsFormatException {
    if (!(v instanceof JsonArray arr)) {
      throw new SafeTensorsFormatException(file, "tensor '" + name + "' has no '" + field + "' array");
    }
    if (requiredLength >= 0 && arr.size() != requiredLength) {
      throw new SafeTensorsFormatException(
          file, "tensor '" + name + "': '" + field + "' has " + arr.size() + " entries, expected " + requiredLength);
    }
    long[] out = new long[arr.size()];
    for (int i = 0; i < out.length; i++) {
      Object x = arr.getValue(i);
      if (!(x instanceof Integer || x instanceof Long)) {
        throw new SafeTensorsFormatException(
            file, "tensor '" + name + "': '" + field + "' entry " + i + " is not an integer (" + describe(x) + ")");
      }
      long l = ((Number) x).longValue();
      if (l < 0) {
        throw new SafeTensorsFormatException(file, "tensor '" + name + "': '" + field + "' entry " + i + " is negative (" + l + ")");
      }
      out[i] = l;
    }
    return out;
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    String s = String.valueOf(v);
    if (s.length() > 40) {
      s = s.substring(0, 37) + "...";
    }
    return v.getClass().getSimpleName() + " " + s;
  }

  static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int r = ch.read(dst, pos);
      if (r < 0) {
        throw new java.io.EOFException("unexpected end of file at byte " + pos);
      }
      pos += r;
    }
  }

  /** The file this reader reads. */
  public Path file() {
    return file;
  }

  /** The {@code __metadata__} map, sorted by key; empty when the file has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Every tensor, in data order. */
  public List<TensorInfo> tensors() {
    return ordered;
  }

  /** Every tensor name, in data order. */
  public Set<String> names() {
    return tensors.keySet();
  }

  /** Whether the file holds a tensor named {@code name}. */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * The header entry of a tensor.
   *
   * @throws NoSuchElementException naming the tensor and file when absent
   */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new NoSuchElementException(file + ": no tensor named '" + name + "'");
    }
    return t;
  }

  /** Absolute file offset of the data buffer (8 + header length). */
  public long dataStart() {
    return dataStart;
  }

  /** Length of the data buffer in bytes. */
  public long dataLength() {
    return dataLength;
  }

  /**
   * A read-only little-endian view of one tensor's bytes, backed by the memory map.
   *
   * @throws UnsupportedOperationException if the tensor is 2 GiB or larger (use
   *     {@link #readFloats(String, long, float[], int, int)} or {@link #buffer(String, long, int)})
   */
  public ByteBuffer buffer(String name) throws IOException {
    TensorInfo t = info(name);
    if (t.byteLength() > MAX_MAPPABLE) {
      throw new UnsupportedOperationException(
          file + ": tensor '" + name + "' is " + t.byteLength() + " bytes, too large for one ByteBuffer; read it in ranges");
    }
    return buffer(t, 0, (int) t.byteLength());
  }

  /** A read-only little-endian view of {@code length} bytes of a tensor, starting {@code byteOffset} bytes into it. */
  public ByteBuffer buffer(String name, long byteOffset, int length) throws IOException {
    TensorInfo t = info(name);
    if (byteOffset < 0 || length < 0 || byteOffset + length > t.byteLength()) {
      throw new IndexOutOfBoundsException(
          "range [" + byteOffset + ", " + (byteOffset + length) + ") outside tensor '" + name + "' of " + t.byteLength() + " bytes");
    }
    return buffer(t, byteOffset, length);
  }

  private ByteBuffer buffer(TensorInfo t, long byteOffset, int length) throws IOException {
    ensureOpen();
    int r = regionOfTensor[indexOf.get(t.name())];
    if (r >= 0) {
      MappedByteBuffer region = region(r);
      int start = (int) (t.dataBegin() - regionBegin[r] + byteOffset);
      return region.slice(start, length).order(ByteOrder.LITTLE_ENDIAN);
    }
    return channel
        .map(FileChannel.MapMode.READ_ONLY, dataStart + t.dataBegin() + byteOffset, length)
        .asReadOnlyBuffer()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private MappedByteBuffer region(int r) throws IOException {
    MappedByteBuffer m = regions[r];
    if (m == null) {
      synchronized (regions) {
        m = regions[r];
        if (m == null) {
          m = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + regionBegin[r], regionEnd[r] - regionBegin[r]);
          regions[r] = m;
        }
      }
    }
    return m;
  }

  /** Number of mapped regions the data buffer is divided into (tensors above the region size may add more). */
  int regionCount() {
    return regions.length;
  }

  /** The raw bytes of a tensor, copied to the heap. */
  public byte[] readBytes(String name) throws IOException {
    TensorInfo t = info(name);
    if (t.byteLength() > MAX_MAPPABLE) {
      throw new UnsupportedOperationException(file + ": tensor '" + name + "' is too large for a byte[]");
    }
    byte[] out = new byte[(int) t.byteLength()];
    buffer(t, 0, out.length).get(out);
    return out;
  }

  /**
   * All values of a tensor as floats: F32 is copied in bulk; F16 and BF16 are widened exactly;
   * F64 and integer types are converted with Java's usual rounding.
   *
   * @throws UnsupportedOperationException if the tensor has more elements than a Java array holds
   */
  public float[] readFloats(String name) throws IOException {
    TensorInfo t = info(name);
    if (t.numel() > MAX_MAPPABLE) {
      throw new UnsupportedOperationException(
          file + ": tensor '" + name + "' has " + t.numel() + " elements, more than a float[] holds; read it in ranges");
    }
    float[] out = new float[(int) t.numel()];
    readFloats(name, 0, out, 0, out.length);
    return out;
  }

  /**
   * Copies {@code count} elements of a tensor, starting at element {@code elementOffset}, into
   * {@code dst[dstOffset..]} as floats. Works for tensors of any size.
   */
  public void readFloats(String name, long elementOffset, float[] dst, int dstOffset, int count) throws IOException {
    TensorInfo t = info(name);
    if (elementOffset < 0 || count < 0 || elementOffset + count > t.numel()) {
      throw new IndexOutOfBoundsException(
          "elements [" + elementOffset + ", " + (elementOffset + count) + ") outside tensor '" + name + "' of " + t.numel());
    }
    if (dstOffset < 0 || dstOffset + count > dst.length) {
      throw new IndexOutOfBoundsException("destination too small for " + count + " floats at " + dstOffset);
    }
    int size = t.dtype().byteSize();
    // Pieces stay far below 2 GiB and a multiple of the element size.
    int maxPiece = (int) Math.min(1L << 28, regionBytes) / 8 * 8 / size;
    long done = 0;
    while (done < count) {
      int n = (int) Math.min(maxPiece, count - done);
      ByteBuffer bb = buffer(t, (elementOffset + done) * size, n * size);
      decodeFloats(t.dtype(), bb, dst, dstOffset + (int) done, n);
      done += n;
    }
  }

  /** Converts {@code n} little-endian elements of {@code dtype} from {@code bb} into floats. */
  static void decodeFloats(DType dtype, ByteBuffer bb, float[] dst, int off, int n) {
    switch (dtype) {
      case F32 -> bb.asFloatBuffer().get(dst, off, n);
      case F16, BF16 -> {
        ShortBuffer sb = bb.asShortBuffer();
        short[] tmp = new short[Math.min(n, CHUNK_ELEMENTS)];
        for (int done = 0; done < n; ) {
          int c = Math.min(tmp.length, n - done);
          sb.get(tmp, 0, c);
          if (dtype == DType.F16) {
            HalfFloats.f16ToFloat(tmp, 0, dst, off + done, c);
          } else {
            HalfFloats.bf16ToFloat(tmp, 0, dst, off + done, c);
          }
          done += c;
        }
      }
      case F64 -> {
        DoubleBuffer db = bb.asDoubleBuffer();
        for (int i = 0; i < n; i++) {
          dst[off + i] = (float) db.get(i);
        }
      }
      case I8 -> {
        for (int i = 0; i < n; i++) {
          dst[off + i] = bb.get(i);
        }
      }
      case U8, BOOL -> {
        for (int i = 0; i < n; i++) {
          dst[off + i] = bb.get(i) & 0xFF;
        }
      }
      case I16 -> {
        ShortBuffer sb = bb.asShortBuffer();
        for (int i = 0; i < n; i++) {
          dst[off + i] = sb.get(i);
        }
      }
      case U16 -> {
        ShortBuffer sb = bb.asShortBuffer();
        for (int i = 0; i < n; i++) {
          dst[off + i] = sb.get(i) & 0xFFFF;
        }
      }
      case I32 -> {
        IntBuffer ib = bb.asIntBuffer();
        for (int i = 0; i < n; i++) {
          dst[off + i] = ib.get(i);
        }
      }
      case U32 -> {
        IntBuffer ib = bb.asIntBuffer();
        for (int i = 0; i < n; i++) {
          dst[off + i] = ib.get(i) & 0xFFFF_FFFFL;
        }
      }
      case I64 -> {
        LongBuffer lb = bb.asLongBuffer();
        for (int i = 0; i < n; i++) {
          dst[off + i] = lb.get(i);
        }
      }
      case U64 -> {
        LongBuffer lb = bb.asLongBuffer();
        for (int i = 0; i < n; i++) {
          long v = lb.get(i);
          // unsigned: halve, convert, double (loses nothing a float could keep)
          dst[off + i] = v >= 0 ? (float) v : ((float) ((v >>> 1) | (v & 1))) * 2f;
        }
      }
      default -> throw new IllegalStateException("unreachable: " + dtype);
    }
  }

  /** All values of an integer tensor (I64, I32, I16, I8, U32, U16, U8, BOOL) as longs. */
  public long[] readLongs(String name) throws IOException {
    TensorInfo t = info(name);
    if (t.dtype().isFloatingPoint() || t.dtype() == DType.U64) {
      throw new IllegalArgumentException(file + ": tensor '" + name + "' is " + t.dtype() + ", not a signed-range integer type");
    }
    if (t.byteLength() > MAX_MAPPABLE) {
      throw new UnsupportedOperationException(file + ": tensor '" + name + "' is too large for a long[]");
    }
    int n = (int) t.numel();
    long[] out = new long[n];
    ByteBuffer bb = buffer(t, 0, (int) t.byteLength());
    switch (t.dtype()) {
      case I64 -> bb.asLongBuffer().get(out);
      case I32 -> { for (int i = 0; i < n; i++) { out[i] = bb.getInt(i << 2); } }
      case U32 -> { for (int i = 0; i < n; i++) { out[i] = bb.getInt(i << 2) & 0xFFFF_FFFFL; } }
      case I16 -> { for (int i = 0; i < n; i++) { out[i] = bb.getShort(i << 1); } }
      case U16 -> { for (int i = 0; i < n; i++) { out[i] = bb.getShort(i << 1) & 0xFFFF; } }
      case I8 -> { for (int i = 0; i < n; i++) { out[i] = bb.get(i); } }
      default -> { for (int i = 0; i < n; i++) { out[i] = bb.get(i) & 0xFF; } }
    }
    return out;
  }

  /** Copies a tensor's bytes to {@code target} through the kernel (no heap copy). */
  void transferTo(TensorInfo t, WritableByteChannel target) throws IOException {
    ensureOpen();
    long pos = dataStart + t.dataBegin();
    long end = dataStart + t.dataEnd();
    while (pos < end) {
      long n = channel.transferTo(pos, end - pos, target);
      if (n <= 0) {
        throw new IOException(file + ": could not copy tensor '" + t.name() + "' (transfer stalled at byte " + pos + ")");
      }
      pos += n;
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(file + ": reader is closed");
    }
  }

  /** Closes the file. Buffers already handed out stay valid until garbage collected. */
  @Override
  public void close() throws IOException {
    closed = true;
    channel.close();
  }

  @Override
  public String toString() {
    return "SafeTensorsReader[" + file + ", " + ordered.size() + " tensors, " + dataLength + " data bytes]";
  }
}
