package io.deltachain.core.delta;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code __metadata__} of a delta file, schema version {@value #SCHEMA_VERSION}.
 *
 * <p>All keys live under {@code deltachain.}; safetensors metadata values are strings, so lists
 * are JSON arrays and numbers are decimal strings:
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>value</th><th>when</th></tr>
 *   <tr><td>{@code deltachain.schema}</td><td>{@code "1"}</td><td>always</td></tr>
 *   <tr><td>{@code deltachain.kind}</td><td>{@code dense | lora | sparse}</td><td>always</td></tr>
 *   <tr><td>{@code deltachain.layer}</td><td>HF module path of the layer, {@code model.layers.15}</td><td>always</td></tr>
 *   <tr><td>{@code deltachain.modules}</td><td>JSON array of full module paths inside the layer</td><td>always</td></tr>
 *   <tr><td>{@code deltachain.base_hash}</td><td>hex SHA-256 of the base checkpoint</td><td>always</td></tr>
 *   <tr><td>{@code deltachain.round_id}</td><td>non-negative integer</td><td>always</td></tr>
 *   <tr><td>{@code deltachain.trainer_id}</td><td>the trainer's identity (e.g. its node address)</td><td>always</td></tr>
 *   <tr><td>{@code deltachain.encoding}</td><td>{@code fp32 | fp16 | bf16 | int8 | int4 | nf4}</td><td>always</td></tr>
 *   <tr><td>{@code deltachain.encoding.block_size}</td><td>power of two 16..4096 (default 64)</td><td>int4, nf4</td></tr>
 *   <tr><td>{@code deltachain.encoding.double_quant}</td><td>{@code true | false}</td><td>int4, nf4</td></tr>
 *   <tr><td>{@code deltachain.lora.rank}</td><td>positive integer r</td><td>lora</td></tr>
 *   <tr><td>{@code deltachain.lora.alpha}</td><td>positive float; scaling is alpha/r</td><td>lora</td></tr>
 *   <tr><td>{@code deltachain.lora.target_modules}</td><td>JSON array of short names ({@code q_proj})</td><td>lora</td></tr>
 *   <tr><td>{@code deltachain.sparse.density}</td><td>fraction of entries kept, in (0, 1]</td><td>sparse</td></tr>
 *   <tr><td>{@code deltachain.metric.<name>}</td><td>free-form string (e.g. {@code loss_before})</td><td>optional</td></tr>
 * </table>
 *
 * <p>A missing or different {@code deltachain.schema}, a missing required key, a key that does
 * not belong to the kind or encoding, or any unknown {@code deltachain.} key is rejected with an
 * {@link InvalidDeltaMetadataException} naming it. Keys outside the namespace (such as
 * safetensors' {@code format}) are ignored. {@link #toMap()} is sorted, so equal metadata always
 * serializes to the same bytes.
 */
public final class DeltaMetadata {
  /** The schema version this build writes and reads. */
  public static final String SCHEMA_VERSION = "1";
  /** Key prefix of every delta key. */
  public static final String PREFIX = "deltachain.";
  /** The schema version key. */
  public static final String SCHEMA = "deltachain.schema";
  static final String KIND = "deltachain.kind";
  static final String LAYER = "deltachain.layer";
  static final String MODULES = "deltachain.modules";
  static final String BASE_HASH = "deltachain.base_hash";
  static final String ROUND_ID = "deltachain.round_id";
  static final String TRAINER_ID = "deltachain.trainer_id";
  static final String ENCODING = "deltachain.encoding";
  static final String BLOCK_SIZE = "deltachain.encoding.block_size";
  static final String DOUBLE_QUANT = "deltachain.encoding.double_quant";
  static final String LORA_RANK = "deltachain.lora.rank";
  static final String LORA_ALPHA = "deltachain.lora.alpha";
  static final String LORA_TARGETS = "deltachain.lora.target_modules";
  static final String SPARSE_DENSITY = "deltachain.sparse.density";
  static final String METRIC_PREFIX = "deltachain.metric.";
  /** Reserved for {@link DeltaFile}'s table of logical tensors; ignored here. */
  static final String TENSORS = "deltachain.tensors";

  private final DeltaKind kind;
  private final String layer;
  private final List<String> modules;
  private final ContentHash baseHash;
  private final long roundId;
  private final String trainerId;
  private final ValueEncoding encoding;
  private final int blockSize;
  private final boolean doubleQuant;
  private final int loraRank;
  private final float loraAlpha;
  private final SortedSet<String> loraTargetModules;
  private final double sparseDensity;
  private final SortedMap<String, String> metrics;

  private DeltaMetadata(Builder b) {
    this.kind = b.kind;
    this.layer = b.layer;
    this.modules = Collections.unmodifiableList(new ArrayList<>(new TreeSet<>(b.modules)));
    this.baseHash = b.baseHash;
    this.roundId = b.roundId;
    this.trainerId = b.trainerId;
    this.encoding = b.encoding;
    this.blockSize = b.blockSize;
    this.doubleQuant = b.doubleQuant;
    this.loraRank = b.loraRank;
    this.loraAlpha = b.loraAlpha;
    this.loraTargetModules = Collections.unmodifiableSortedSet(new TreeSet<>(b.loraTargetModules));
    this.sparseDensity = b.sparseDensity;
    this.metrics = Collections.unmodifiableSortedMap(new TreeMap<>(b.metrics));
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this metadata. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.kind = kind;
    b.layer = layer;
    b.modules = new ArrayList<>(modules);
    b.baseHash = baseHash;
    b.roundId = roundId;
    b.trainerId = trainerId;
    b.encoding = encoding;
    b.blockSize = encoding.isFourBit() ? blockSize : Quantization.DEFAULT_BLOCK_SIZE;
    b.doubleQuant = doubleQuant;
    b.loraRank = loraRank;
    b.loraAlpha = loraAlpha;
    b.loraTargetModules = new TreeSet<>(loraTargetModules);
    b.loraSet = kind == DeltaKind.LORA;
    b.sparseDensity = sparseDensity;
    b.sparseSet = kind == DeltaKind.SPARSE;
    b.metrics = new TreeMap<>(metrics);
    return b;
  }

  /** What the delta holds. */
  public DeltaKind kind() {
    return kind;
  }

  /** The layer's module path, e.g. {@code model.layers.15}. */
  public String layer() {
    return layer;
  }

  /** Full module paths the delta touches, sorted. */
  public List<String> modules() {
    return modules;
  }

  /** Hash of the base checkpoint the delta was trained against. */
  public ContentHash baseHash() {
    return baseHash;
  }

  /** The round the delta was trained in. */
  public long roundId() {
    return roundId;
  }

  /** The trainer that produced it. */
  public String trainerId() {
    return trainerId;
  }

  /** How values are stored. */
  public ValueEncoding encoding() {
    return encoding;
  }

  /** Block size of a 4-bit encoding; 0 otherwise. */
  public int blockSize() {
    return blockSize;
  }

  /** Whether a 4-bit encoding's absmax scales are themselves quantized. */
  public boolean doubleQuant() {
    return doubleQuant;
  }

  /** LoRA rank r (0 unless {@link DeltaKind#LORA}). */
  public int loraRank() {
    return loraRank;
  }

  /** LoRA alpha (0 unless {@link DeltaKind#LORA}). */
  public float loraAlpha() {
    return loraAlpha;
  }

  /** LoRA scaling, {@code alpha / r} computed in float. */
  public float loraScaling() {
    return loraAlpha / loraRank;
  }

  /** LoRA target module short names, sorted (empty unless LoRA). */
  public SortedSet<String> loraTargetModules() {
    return loraTargetModules;
  }

  /** Fraction of entries a sparse delta keeps (0 unless {@link DeltaKind#SPARSE}). */
  public double sparseDensity() {
    return sparseDensity;
  }

  /** Free-form metrics, sorted by name. */
  public SortedMap<String, String> metrics() {
    return metrics;
  }

  /** The metadata entries, sorted by key. */
  public SortedMap<String, String> toMap() {
    TreeMap<String, String> m = new TreeMap<>();
    m.put(SCHEMA, SCHEMA_VERSION);
    m.put(KIND, kind.wireName());
    m.put(LAYER, layer);
    m.put(MODULES, new JsonArray(new ArrayList<>(modules)).encode());
    m.put(BASE_HASH, baseHash.hex());
    m.put(ROUND_ID, Long.toString(roundId));
    m.put(TRAINER_ID, trainerId);
    m.put(ENCODING, encoding.wireName());
    if (encoding.isFourBit()) {
      m.put(BLOCK_SIZE, Integer.toString(blockSize));
      m.put(DOUBLE_QUANT, Boolean.toString(doubleQuant));
    }
    if (kind == DeltaKind.LORA) {
      m.put(LORA_RANK, Integer.toString(loraRank));
      m.put(LORA_ALPHA, Float.toString(loraAlpha));
      m.put(LORA_TARGETS, new JsonArray(new ArrayList<>(loraTargetModules)).encode());
    }
    if (kind == DeltaKind.SPARSE) {
      m.put(SPARSE_DENSITY, Double.toString(sparseDensity));
    }
    metrics.forEach((k, v) -> m.put(METRIC_PREFIX + k, v));
    return Collections.unmodifiableSortedMap(m);
  }

  /**
   * Parses and validates metadata read from a file. Keys outside {@code deltachain.} are ignored.
   *
   * @throws InvalidDeltaMetadataException naming the missing, unknown or malformed key
   */
  public static DeltaMetadata fromMap(Map<String, String> map) {
    String version = map.get(SCHEMA);
    if (version == null) {
      throw new InvalidDeltaMetadataException(
          "metadata has no '" + SCHEMA + "' key: not a deltachain delta file (or written by a pre-release build)");
    }
    if (!version.equals(SCHEMA_VERSION)) {
      throw new InvalidDeltaMetadataException(
          "unsupported delta schema version '" + version + "' (this build reads version " + SCHEMA_VERSION + ")");
    }
    Builder b = builder();
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (!key.startsWith(PREFIX) || key.equals(SCHEMA) || key.equals(TENSORS)) {
        continue;
      }
      if (key.startsWith(METRIC_PREFIX)) {
        b.optMetric(key.substring(METRIC_PREFIX.length()), value);
        continue;
      }
      switch (key) {
        case KIND -> {
          DeltaKind k = DeltaKind.fromWireName(value);
          if (k == null) {
            throw new InvalidDeltaMetadataException("'" + KIND + "' is '" + value + "', expected dense, lora or sparse");
          }
          b.setKind(k);
        }
        case LAYER -> b.setLayer(value);
        case MODULES -> b.setModules(stringList(MODULES, value));
        case BASE_HASH -> {
          try {
            b.setBaseHash(ContentHash.parse(value));
          } catch (IllegalArgumentException ex) {
            throw new InvalidDeltaMetadataException("'" + BASE_HASH + "': " + ex.getMessage(), ex);
          }
        }
        case ROUND_ID -> b.setRoundId(parseLong(ROUND_ID, value));
        case TRAINER_ID -> b.setTrainerId(value);
        case ENCODING -> {
          ValueEncoding enc = ValueEncoding.fromWireName(value);
          if (enc == null) {
            throw new InvalidDeltaMetadataException(
                "'" + ENCODING + "' is '" + value + "', expected one of fp32, fp16, bf16, int8, int4, nf4");
          }
          b.optEncoding(enc);
        }
        case BLOCK_SIZE -> b.optBlockSize((int) parseLong(BLOCK_SIZE, value));
        case DOUBLE_QUANT -> {
          if (!value.equals("true") && !value.equals("false")) {
            throw new InvalidDeltaMetadataException("'" + DOUBLE_QUANT + "' is '" + value + "', expected true or false");
          }
          b.optDoubleQuant(Boolean.parseBoolean(value));
        }
        case LORA_RANK -> b.loraRank = (int) parseLong(LORA_RANK, value);
        case LORA_ALPHA -> b.loraAlpha = parseFloat(LORA_ALPHA, value);
        case LORA_TARGETS -> b.loraTargetModules = new TreeSet<>(stringList(LORA_TARGETS, value));
        case SPARSE_DENSITY -> b.sparseDensity = parseDouble(SPARSE_DENSITY, value);
        default -> throw new InvalidDeltaMetadataException("unknown metadata key '" + key + "' in schema version " + SCHEMA_VERSION);
      }
    }
    if (map.containsKey(LORA_RANK) || map.containsKey(LORA_ALPHA) || map.containsKey(LORA_TARGETS)) {
      b.loraSet = true;
    }
    if (map.containsKey(SPARSE_DENSITY)) {
      b.sparseSet = true;
    }
    if (!map.containsKey(ENCODING)) {
      throw new InvalidDeltaMetadataException("metadata has no '" + ENCODING + "' key");
    }
    if (b.encoding.isFourBit() && (!map.containsKey(BLOCK_SIZE) || !map.containsKey(DOUBLE_QUANT))) {
      throw new InvalidDeltaMetadataException(
          "encoding " + b.encoding.wireName() + " needs '" + BLOCK_SIZE + "' and '" + DOUBLE_QUANT + "'");
    }
    return b.build();
  }

  private static List<String> stringList(String key, String value) {
    try {
      JsonArray arr = new JsonArray(value);
      List<String> out = new ArrayList<>(arr.size());
      for (int i = 0; i < arr.size(); i++) {
        if (!(arr.getValue(i) instanceof String s)) {
          throw new InvalidDeltaMetadataException("'" + key + "' entry " + i + " is not a string");
        }
        out.add(s);
      }
      return out;
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidDeltaMetadataException("'" + key + "' is not a JSON array of strings: " + value, e);
    }
  }

  private static long parseLong(String key, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new InvalidDeltaMetadataException("'" + key + "' is '" + value + "', not an integer", e);
    }
  }

  private static float parseFloat(String key, String value) {
    try {
      return Float.parseFloat(value);
    } catch (NumberFormatException e) {
      throw new InvalidDeltaMetadataException("'" + key + "' is '" + value + "', not a number", e);
    }
  }

  private static double parseDouble(String key, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new InvalidDeltaMetadataException("'" + key + "' is '" + value + "', not a number", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeltaMetadata d && toMap().equals(d.toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  @Override
  public String toString() {
    return "DeltaMetadata" + toMap();
  }

  /**
   * Builds validated metadata. Required: {@code setKind}, {@code setLayer}, {@code setModules},
   * {@code setBaseHash}, {@code setRoundId}, {@code setTrainerId}, plus {@code setLora} for LoRA and
   * {@code setSparseDensity} for sparse deltas. Optional: encoding (fp32), block size (64),
   * double quantization (off), metrics.
   */
  public static final class Builder {
    private DeltaKind kind;
    private String layer;
    private List<String> modules = new ArrayList<>();
    private ContentHash baseHash;
    private long roundId = -1;
    private String trainerId;
    private ValueEncoding encoding = ValueEncoding.FP32;
    private int blockSize = Quantization.DEFAULT_BLOCK_SIZE;
    private boolean blockSizeSet;
    private boolean doubleQuant;
    private boolean doubleQuantSet;
    private int loraRank;
    private float loraAlpha;
    private SortedSet<String> loraTargetModules = new TreeSet<>();
    private boolean loraSet;
    private double sparseDensity;
    private boolean sparseSet;
    private SortedMap<String, String> metrics = new TreeMap<>();

    private Builder() {}

    /** The kind of delta. */
    public Builder setKind(DeltaKind kind) {
      this.kind = kind;
      return this;
    }

    /** The layer module path, e.g. {@code model.layers.15}. */
    public Builder setLayer(String layer) {
      this.layer = layer;
      return this;
    }

    /** Full module paths inside the layer, e.g. {@code model.layers.15.self_attn.q_proj}. */
    public Builder setModules(List<String> modules) {
      this.modules = new ArrayList<>(Objects.requireNonNull(modules, "modules"));
      return this;
    }

    /** Hash of the base checkpoint. */
    public Builder setBaseHash(ContentHash baseHash) {
      this.baseHash = baseHash;
      return this;
    }

    /** The round id (non-negative). */
    public Builder setRoundId(long roundId) {
      this.roundId = roundId;
      return this;
    }

    /** The trainer's identity. */
    public Builder setTrainerId(String trainerId) {
      this.trainerId = trainerId;
      return this;
    }

    /** LoRA rank, alpha and target module short names (required for LoRA, refused otherwise). */
    public Builder setLora(int rank, float alpha, List<String> targetModules) {
      this.loraRank = rank;
      this.loraAlpha = alpha;
      this.loraTargetModules = new TreeSet<>(Objects.requireNonNull(targetModules, "targetModules"));
      this.loraSet = true;
      return this;
    }

    /** Fraction of entries kept by a sparse delta (required for sparse, refused otherwise). */
    public Builder setSparseDensity(double density) {
      this.sparseDensity = density;
      this.sparseSet = true;
      return this;
    }

    /** Value encoding (default fp32). */
    public Builder optEncoding(ValueEncoding encoding) {
      this.encoding = Objects.requireNonNull(encoding, "encoding");
      return this;
    }

    /** Block size of a 4-bit encoding (default 64). */
    public Builder optBlockSize(int blockSize) {
      this.blockSize = blockSize;
      this.blockSizeSet = true;
      return this;
    }

    /** Double quantization of a 4-bit encoding's scales (default off). */
    public Builder optDoubleQuant(boolean doubleQuant) {
      this.doubleQuant = doubleQuant;
      this.doubleQuantSet = true;
      return this;
    }

    /** A free-form metric. */
    public Builder optMetric(String name, String value) {
      if (name == null || name.isEmpty() || value == null) {
        throw new InvalidDeltaMetadataException("a metric needs a non-empty name and a value");
      }
      metrics.put(name, value);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidDeltaMetadataException naming the first missing or invalid setting
     */
    public DeltaMetadata build() {
      require(kind != null, KIND);
      require(layer != null && !layer.isEmpty(), LAYER);
      require(!modules.isEmpty(), MODULES);
      for (String m : modules) {
        if (m == null || !(m.equals(layer) || m.startsWith(layer + "."))) {
          throw new InvalidDeltaMetadataException(
              "module '" + m + "' in '" + MODULES + "' is not inside layer '" + layer + "'");
        }
      }
      if (new TreeSet<>(modules).size() != modules.size()) {
        throw new InvalidDeltaMetadataException("'" + MODULES + "' lists a module twice: " + modules);
      }
      require(baseHash != null, BASE_HASH);
      require(roundId >= 0, ROUND_ID);
      require(trainerId != null && !trainerId.isEmpty(), TRAINER_ID);
      if (encoding.isFourBit()) {
        if (blockSize < 16 || blockSize > 4096 || Integer.bitCount(blockSize) != 1) {
          throw new InvalidDeltaMetadataException(
              "'" + BLOCK_SIZE + "' is " + blockSize + ", expected a power of two from 16 to 4096");
        }
      } else {
        if (blockSizeSet || doubleQuantSet) {
          throw new InvalidDeltaMetadataException(
              "block size and double quantization apply to int4 and nf4 only, not " + encoding.wireName());
        }
        blockSize = 0;
        doubleQuant = false;
      }
      if (kind == DeltaKind.LORA) {
        if (!loraSet) {
          throw new InvalidDeltaMetadataException(
              "a lora delta needs '" + LORA_RANK + "', '" + LORA_ALPHA + "' and '" + LORA_TARGETS + "'");
        }
        if (loraRank <= 0) {
          throw new InvalidDeltaMetadataException("'" + LORA_RANK + "' is " + loraRank + ", expected a positive integer");
        }
        if (!(loraAlpha > 0) || Float.isInfinite(loraAlpha)) {
          throw new InvalidDeltaMetadataException("'" + LORA_ALPHA + "' is " + loraAlpha + ", expected a positive finite number");
        }
        if (loraTargetModules.isEmpty()) {
          throw new InvalidDeltaMetadataException("'" + LORA_TARGETS + "' is empty");
        }
        for (String m : modules) {
          String shortName = m.substring(m.lastIndexOf('.') + 1);
          if (!loraTargetModules.contains(shortName)) {
            throw new InvalidDeltaMetadataException(
                "module '" + m + "' is not one of the LoRA target modules " + loraTargetModules);
          }
        }
      } else if (loraSet) {
        throw new InvalidDeltaMetadataException("LoRA settings given for a " + kind.wireName() + " delta");
      }
      if (kind == DeltaKind.SPARSE) {
        if (!sparseSet) {
          throw new InvalidDeltaMetadataException("a sparse delta needs '" + SPARSE_DENSITY + "'");
        }
        if (!(sparseDensity > 0 && sparseDensity <= 1)) {
          throw new InvalidDeltaMetadataException("'" + SPARSE_DENSITY + "' is " + sparseDensity + ", expected (0, 1]");
        }
      } else if (sparseSet) {
        throw new InvalidDeltaMetadataException("sparse density given for a " + kind.wireName() + " delta");
      }
      return new DeltaMetadata(this);
    }

    private static void require(boolean ok, String key) {
      if (!ok) {
        throw new InvalidDeltaMetadataException("metadata needs a valid '" + key + "'");
      }
    }
  }
}
