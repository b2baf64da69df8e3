package io.deltachain.core.delta;

import io.deltachain.core.tensor.DType;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.core.tensor.SafeTensorsReader;
import io.deltachain.core.tensor.SafeTensorsWriter;
import io.deltachain.core.tensor.TensorInfo;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A delta file: {@link DeltaMetadata} plus the delta's tensors, stored as a safetensors file.
 *
 * <h2>Logical tensors</h2>
 * <ul>
 *   <li>{@link DeltaKind#DENSE}: the update {@code ΔW} of each weight, named like the weight
 *       ({@code model.layers.3.mlp.up_proj.weight}).
 *   <li>{@link DeltaKind#LORA}: for each module {@code M}, {@code M.lora_A.weight [r, in]} and
 *       {@code M.lora_B.weight [out, r]}, exactly PEFT's names without its {@code base_model.model.} prefix.
 *   <li>{@link DeltaKind#SPARSE}: for each weight, its kept entries ({@link SparseTensor}).
 * </ul>
 * Every logical tensor name must start with one of the metadata's modules followed by a dot.
 *
 * <h2>Stored tensors</h2>
 * Metadata key {@code deltachain.tensors} holds a JSON object of logical name to dense shape. For a
 * logical tensor {@code T} with values {@code v}:
 * <ul>
 *   <li>fp32 / fp16 / bf16: {@code T} as F32 / F16 / BF16 with its shape.
 *   <li>int8: {@code T} as I8 with its shape and {@code T.scale} F32 {@code [rows]}, where rows is
 *       the first dimension (1 for rank 0 or 1).
 *   <li>int4 / nf4: {@code T} as U8 {@code [(n+1)/2]} packed indices (first value in the high
 *       nibble) and {@code T.absmax} F32 {@code [ceil(n/block)]}; with double quantization
 *       {@code T.absmax} is I8 codes, plus {@code T.nested_absmax} F32 {@code [ceil(blocks/256)]}
 *       and {@code T.nested_offset} F32 {@code [1]}.
 *   <li>sparse: {@code T.indices} I32 {@code [k]} (strictly increasing flat indices) and the
 *       values encoded as above under the name {@code T.values} with shape {@code [k]}.
 * </ul>
 * Reading checks that exactly these tensors are present with exactly these types and shapes; a
 * stray, missing or mistyped tensor is a {@link DeltaFormatException}. Writing is deterministic:
 * the same delta always gives the same bytes.
 */
public final class DeltaFile {
  /** Suffix of a module's LoRA A factor. */
  public static final String LORA_A_SUFFIX = ".lora_A.weight";
  /** Suffix of a module's LoRA B factor. */
  public static final String LORA_B_SUFFIX = ".lora_B.weight";
  static final String SCALE = ".scale";
  static final String ABSMAX = ".absmax";
  static final String NESTED_ABSMAX = ".nested_absmax";
  static final String NESTED_OFFSET = ".nested_offset";
  static final String INDICES = ".indices";
  static final String VALUES = ".values";
  private static final List<String> RESERVED_SUFFIXES = List.of(SCALE, ABSMAX, NESTED_ABSMAX, NESTED_OFFSET, INDICES, VALUES);

  private final DeltaMetadata metadata;
  private final SortedMap<String, FloatTensor> tensors;
  private final SortedMap<String, SparseTensor> sparseTensors;

  private DeltaFile(DeltaMetadata metadata, SortedMap<String, FloatTensor> tensors,
      SortedMap<String, SparseTensor> sparseTensors) {
    this.metadata = metadata;
    this.tensors = Collections.unmodifiableSortedMap(tensors);
    this.sparseTensors = Collections.unmodifiableSortedMap(sparseTensors);
    validate();
  }

  /**
   * A dense or LoRA delta.
   *
   * @throws IllegalArgumentException if the tensors do not match the metadata (names, LoRA shapes and rank)
   */
  public static DeltaFile of(DeltaMetadata metadata, Map<String, FloatTensor> tensors) {
    if (metadata.kind() == DeltaKind.SPARSE) {
      throw new IllegalArgumentException("a sparse delta holds SparseTensors; use DeltaFile.sparse");
    }
    return new DeltaFile(metadata, new TreeMap<>(tensors), new TreeMap<>());
  }

  /** A sparse delta. */
  public static DeltaFile sparse(DeltaMetadata metadata, Map<String, SparseTensor> tensors) {
    if (metadata.kind() != DeltaKind.SPARSE) {
      throw new IllegalArgumentException("metadata says " + metadata.kind().wireName() + ", not sparse");
    }
    return new DeltaFile(metadata, new TreeMap<>(), new TreeMap<>(tensors));
  }

  /** The metadata. */
  public DeltaMetadata metadata() {
    return metadata;
  }

  /** Dense or LoRA tensors by name (empty for a sparse delta). */
  public SortedMap<String, FloatTensor> tensors() {
    return tensors;
  }

  /** Sparse tensors by name (empty unless sparse). */
  public SortedMap<String, SparseTensor> sparseTensors() {
    return sparseTensors;
  }

  private void validate() {
    Set<String> names = metadata.kind() == DeltaKind.SPARSE ? sparseTensors.keySet() : tensors.keySet();
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a delta needs at least one tensor");
    }
    Set<String> touched = new HashSet<>();
    for (String name : names) {
      for (String suffix : RESERVED_SUFFIXES) {
        if (name.endsWith(suffix)) {
          throw new IllegalArgumentException("tensor name '" + name + "' ends with the reserved suffix '" + suffix + "'");
        }
      }
      String module = moduleOf(name);
      if (module == null) {
        throw new IllegalArgumentException(
            "tensor '" + name + "' does not belong to any of the delta's modules " + metadata.modules());
      }
      touched.add(module);
    }
    for (String m : metadata.modules()) {
      if (!touched.contains(m)) {
        throw new IllegalArgumentException("module '" + m + "' is listed in the metadata but has no tensor");
      }
    }
    if (metadata.kind() == DeltaKind.LORA) {
      int r = metadata.loraRank();
      for (String m : metadata.modules()) {
        FloatTensor a = tensors.get(m + LORA_A_SUFFIX);
        FloatTensor b = tensors.get(m + LORA_B_SUFFIX);
        if (a == null || b == null) {
          throw new IllegalArgumentException("LoRA module '" + m + "' needs both '" + m + LORA_A_SUFFIX + "' and '"
              + m + LORA_B_SUFFIX + "'");
        }
        if (a.rank() != 2 || a.dim(0) != r) {
          throw new IllegalArgumentException("'" + m + LORA_A_SUFFIX + "' has shape " + Arrays.toString(a.shape())
              + ", expected [" + r + ", in] for rank " + r);
        }
        if (b.rank() != 2 || b.dim(1) != r) {
          throw new IllegalArgumentException("'" + m + LORA_B_SUFFIX + "' has shape " + Arrays.toString(b.shape())
              + ", expected [out, " + r + "] for rank " + r);
        }
      }
      if (tensors.size() != 2 * metadata.modules().size()) {
        for (String name : tensors.keySet()) {
          if (!name.endsWith(LORA_A_SUFFIX) && !name.endsWith(LORA_B_SUFFIX)) {
            throw new IllegalArgumentException("LoRA delta holds '" + name + "', which is neither a lora_A nor a lora_B factor");
          }
        }
        throw new IllegalArgumentException("LoRA delta holds factors for modules not in the metadata");
      }
    }
  }

  private String moduleOf(String tensorName) {
    String best = null;
    for (String m : metadata.modules()) {
      if (tensorName.startsWith(m + ".") && (best == null || m.length() > best.length())) {
        best = m;
      }
    }
    return best;
  }

  // ------------------------------------------------------------------------- writing

  /**
   * Writes the delta atomically, encoding values as the metadata says.
   *
   * @return bytes written
   */
  public long write(Path file) throws IOException {
    SafeTensorsWriter w = new SafeTensorsWriter();
    w.putAllMetadata(metadata.toMap());
    JsonObject table = new JsonObject();
    try {
      if (metadata.kind() == DeltaKind.SPARSE) {
        for (Map.Entry<String, SparseTensor> e : sparseTensors.entrySet()) {
          String name = e.getKey();
          SparseTensor s = e.getValue();
          table.put(name, shapeJson(s.shape()));
          int k = s.vector().size();
          ByteBuffer idx = ByteBuffer.allocate(4 * k).order(ByteOrder.LITTLE_ENDIAN);
          idx.asIntBuffer().put(s.vector().indices());
          w.add(name + INDICES, DType.I32, new long[] {k}, idx);
          encode(w, name + VALUES, s.vector().values(), new long[] {k});
        }
      } else {
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
          table.put(e.getKey(), shapeJson(e.getValue().shape()));
          encode(w, e.getKey(), e.getValue().data(), e.getValue().shape());
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot encode delta for " + file + ": " + e.getMessage(), e);
    }
    w.putMetadata(DeltaMetadata.TENSORS, table.encode());
    return w.write(file);
  }

  private static JsonArray shapeJson(long[] shape) {
    JsonArray a = new JsonArray();
    for (long d : shape) {
      a.add(d);
    }
    return a;
  }

  private static int rowsOf(long[] shape) {
    return shape.length >= 2 ? (int) shape[0] : 1;
  }

  private void encode(SafeTensorsWriter w, String name, float[] data, long[] shape) {
    ValueEncoding enc = metadata.encoding();
    switch (enc) {
      case FP32 -> w.addFloats(name, DType.F32, shape, data);
      case FP16 -> w.addFloats(name, DType.F16, shape, data);
      case BF16 -> w.addFloats(name, DType.BF16, shape, data);
      case INT8 -> {
        int rows = rowsOf(shape);
        Int8Quantized q = Quantization.quantizeInt8(data, rows);
        w.add(name, DType.I8, shape, q.values());
        w.addFloats(name + SCALE, DType.F32, new long[] {rows}, q.scales());
      }
      case INT4, NF4 -> {
        FourBitCode code = enc == ValueEncoding.NF4 ? FourBitCode.NF4 : FourBitCode.INT4;
        FourBitQuantized q = Quantization.quantize4Bit(code, data, metadata.blockSize());
        w.add(name, DType.U8, new long[] {q.packed().length}, q.packed());
        if (metadata.doubleQuant()) {
          NestedScales ns = Quantization.quantizeScales(q.absmax());
          w.add(name + ABSMAX, DType.I8, new long[] {ns.codes().length}, ns.codes());
          w.addFloats(name + NESTED_ABSMAX, DType.F32, new long[] {ns.nestedAbsmax().length}, ns.nestedAbsmax());
          w.addFloats(name + NESTED_OFFSET, DType.F32, new long[] {1}, new float[] {ns.offset()});
        } else {
          w.addFloats(name + ABSMAX, DType.F32, new long[] {q.absmax().length}, q.absmax());
        }
      }
      default -> throw new IllegalStateException("unreachable: " + enc);
    }
  }

  // ------------------------------------------------------------------------- reading

  /**
   * Reads only the metadata (the header), validating it.
   *
   * @throws DeltaFormatException if the schema version is missing or unsupported, or a key is invalid
   */
  public static DeltaMetadata readMetadata(Path file) throws IOException {
    try (SafeTensorsReader r = SafeTensorsReader.open(file)) {
      return parseMetadata(file, r);
    }
  }

  private static DeltaMetadata parseMetadata(Path file, SafeTensorsReader r) throws DeltaFormatException {
    try {
      return DeltaMetadata.fromMap(r.metadata());
    } catch (InvalidDeltaMetadataException e) {
      throw new DeltaFormatException(file, e.getMessage(), e);
    }
  }

  /**
   * Reads and decodes a delta file.
   *
   * @throws DeltaFormatException if it is not a valid delta file (message names the file and problem)
   */
  public static DeltaFile read(Path file) throws IOException {
    try (SafeTensorsReader r = SafeTensorsReader.open(file)) {
      DeltaMetadata m = parseMetadata(file, r);
      SortedMap<String, long[]> table = tensorTable(file, r.metadata().get(DeltaMetadata.TENSORS));
      Decoder d = new Decoder(file, r, m);
      SortedMap<String, FloatTensor> dense = new TreeMap<>();
      SortedMap<String, SparseTensor> sparse = new TreeMap<>();
      try {
        for (Map.Entry<String, long[]> e : table.entrySet()) {
          String name = e.getKey();
          long[] shape = e.getValue();
          long numel = TensorInfo.numel(shape, "tensor '" + name + "'");
          if (numel > Integer.MAX_VALUE - 8) {
            throw new DeltaFormatException(file, "tensor '" + name + "' has " + numel + " elements, too many for one array");
          }
          if (m.kind() == DeltaKind.SPARSE) {
            int[] indices = d.indices(name + INDICES, (int) numel);
            float[] values = d.decode(name + VALUES, new long[] {indices.length});
            sparse.put(name, new SparseTensor(shape, new SparseVector((int) numel, indices, values)));
          } else {
            dense.put(name, new FloatTensor(shape, d.decode(name, shape)));
          }
        }
      } catch (IllegalArgumentException e) {
        throw new DeltaFormatException(file, e.getMessage(), e);
      }
      d.requireAllConsumed();
      try {
        return new DeltaFile(m, dense, sparse);
      } catch (IllegalArgumentException e) {
        throw new DeltaFormatException(file, e.getMessage(), e);
      }
    }
  }

  private static SortedMap<String, long[]> tensorTable(Path file, String json) throws DeltaFormatException {
    if (json == null) {
      throw new DeltaFormatException(file, "metadata has no '" + DeltaMetadata.TENSORS + "' table of tensors");
    }
    SortedMap<String, long[]> out = new TreeMap<>();
    try {
      JsonObject o = new JsonObject(json);
      for (Map.Entry<String, Object> e : o) {
        if (!(e.getValue() instanceof JsonArray arr)) {
          throw new DeltaFormatException(file, "'" + DeltaMetadata.TENSORS + "' entry '" + e.getKey() + "' is not a shape array");
        }
        long[] shape = new long[arr.size()];
        for (int i = 0; i < shape.length; i++) {
          Object v = arr.getValue(i);
          if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0) {
            throw new DeltaFormatException(file, "'" + DeltaMetadata.TENSORS + "' entry '" + e.getKey()
                + "' has an invalid dimension " + v);
          }
          shape[i] = ((Number) v).longValue();
        }
        out.put(e.getKey(), shape);
      }
    } catch (DecodeException e) {
      throw new DeltaFormatException(file, "'" + DeltaMetadata.TENSORS + "' is not a JSON object: " + e.getMessage(), e);
    }
    return out;
  }

  /** Decodes stored tensors, remembering which ones it used. */
  private static final class Decoder {
    private final Path file;
    private final SafeTensorsReader r;
    private final DeltaMetadata m;
    private final Set<String> consumed = new HashSet<>();

    Decoder(Path file, SafeTensorsReader r, DeltaMetadata m) {
      this.file = file;
      this.r = r;
      this.m = m;
    }

    private TensorInfo expect(String name, DType dtype, long[] shape) throws DeltaFormatException {
      if (!r.contains(name)) {
        throw new DeltaFormatException(file, "missing tensor '" + name + "' (encoding " + m.encoding().wireName() + ")");
      }
      TensorInfo t = r.info(name);
      if (t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
        throw new DeltaFormatException(file, "tensor '" + name + "' is " + t.dtype() + Arrays.toString(t.shape())
            + ", expected " + dtype + Arrays.toString(shape) + " for encoding " + m.encoding().wireName());
      }
      consumed.add(name);
      return t;
    }

    int[] indices(String name, int length) throws IOException {
      if (!r.contains(name)) {
        throw new DeltaFormatException(file, "missing tensor '" + name + "'");
      }
      TensorInfo t = r.info(name);
      if (t.dtype() != DType.I32 || t.rank() != 1) {
        throw new DeltaFormatException(file, "tensor '" + name + "' must be I32 of rank 1, is " + t.dtype() + Arrays.toString(t.shape()));
      }
      consumed.add(name);
      int[] idx = new int[(int) t.numel()];
      r.buffer(name).asIntBuffer().get(idx);
      int prev = -1;
      for (int i = 0; i < idx.length; i++) {
        if (idx[i] <= prev || idx[i] >= length) {
          throw new DeltaFormatException(file, "tensor '" + name + "': index " + idx[i] + " at position " + i
              + " is out of order or outside [0, " + length + ")");
        }
        prev = idx[i];
      }
      return idx;
    }

    float[] decode(String name, long[] shape) throws IOException {
      int n = (int) TensorInfo.numel(shape, name);
      switch (m.encoding()) {
        case FP32 -> {
          expect(name, DType.F32, shape);
          return r.readFloats(name);
        }
        case FP16 -> {
          expect(name, DType.F16, shape);
          return r.readFloats(name);
        }
        case BF16 -> {
          expect(name, DType.BF16, shape);
          return r.readFloats(name);
        }
        case INT8 -> {
          int rows = rowsOf(shape);
          expect(name, DType.I8, shape);
          expect(name + SCALE, DType.F32, new long[] {rows});
          byte[] q = r.readBytes(name);
          float[] scales = r.readFloats(name + SCALE);
          float[] out = new float[n];
          Quantization.dequantizeInt8(q, scales, rows == 0 ? 0 : n / rows, out, 0);
          return out;
        }
        case INT4, NF4 -> {
          FourBitCode code = m.encoding() == ValueEncoding.NF4 ? FourBitCode.NF4 : FourBitCode.INT4;
          int bs = m.blockSize();
          int blocks = (int) (((long) n + bs - 1) / bs);
          expect(name, DType.U8, new long[] {(n + 1) >>> 1});
          float[] absmax;
          if (m.doubleQuant()) {
            int groups = (blocks + Quantization.NESTED_BLOCK_SIZE - 1) / Quantization.NESTED_BLOCK_SIZE;
            expect(name + ABSMAX, DType.I8, new long[] {blocks});
            expect(name + NESTED_ABSMAX, DType.F32, new long[] {groups});
            expect(name + NESTED_OFFSET, DType.F32, new long[] {1});
            absmax = Quantization.dequantizeScales(new NestedScales(
                r.readBytes(name + ABSMAX), r.readFloats(name + NESTED_ABSMAX), r.readFloats(name + NESTED_OFFSET)[0]));
          } else {
            expect(name + ABSMAX, DType.F32, new long[] {blocks});
            absmax = r.readFloats(name + ABSMAX);
          }
          byte[] packed = r.readBytes(name);
          float[] out = new float[n];
          Quantization.dequantize4Bit(code, packed, absmax, n, bs, out, 0);
          return out;
        }
        default -> throw new IllegalStateException("unreachable");
      }
    }

    void requireAllConsumed() throws DeltaFormatException {
      for (String name : r.names()) {
        if (!consumed.contains(name)) {
          throw new DeltaFormatException(file, "unexpected tensor '" + name + "': not described by '"
              + DeltaMetadata.TENSORS + "' and encoding " + m.encoding().wireName());
        }
      }
    }
  }
}
