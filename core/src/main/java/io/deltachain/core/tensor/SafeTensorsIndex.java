package io.deltachain.core.tensor;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code model.safetensors.index.json} of a sharded checkpoint:
 * {@code {"metadata":{"total_size":N},"weight_map":{"<tensor>":"<shard file>",...}}}, where
 * {@code total_size} is the sum of all tensors' data bytes. Unknown keys inside
 * {@code metadata} (some writers add {@code total_parameters}) are ignored on read.
 *
 * @param totalSize declared total data bytes
 * @param weightMap tensor name to shard file name (a bare file name in the same directory)
 */
public record SafeTensorsIndex(long totalSize, SortedMap<String, String> weightMap) {
  /** The conventional file name. */
  public static final String FILE_NAME = "model.safetensors.index.json";

  /** Validates and freezes the map; shard names must be plain file names (no directories). */
  public SafeTensorsIndex {
    if (totalSize < 0) {
      throw new IllegalArgumentException("total_size must be non-negative, got " + totalSize);
    }
    Objects.requireNonNull(weightMap, "weightMap");
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : weightMap.entrySet()) {
      requirePlainFileName(e.getValue(), e.getKey());
      copy.put(e.getKey(), e.getValue());
    }
    weightMap = Collections.unmodifiableSortedMap(copy);
  }

  static void requirePlainFileName(String shard, String tensor) {
    if (shard == null || shard.isEmpty() || shard.equals(".") || shard.equals("..")
        || shard.indexOf('/') >= 0 || shard.indexOf('\\') >= 0 || shard.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "weight_map entry for '" + tensor + "' names '" + shard + "', which is not a plain file name in the checkpoint directory");
    }
  }

  /** The distinct shard file names, sorted. */
  public SortedSet<String> shardFiles() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(weightMap.values()));
  }

  /** The JSON text (sorted keys, two-space indentation like transformers writes). */
  public String toJson() {
    JsonObject wm = new JsonObject();
    weightMap.forEach(wm::put);
    return new JsonObject()
        .put("metadata", new JsonObject().put("total_size", totalSize))
        .put("weight_map", wm)
        .encodePrettily();
  }

  /** Writes the index atomically. */
  public void write(Path file) throws IOException {
    SafeTensorsWriter.writeAtomically(file, (toJson() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads and validates an index file.
   *
   * @throws SafeTensorsFormatException naming the file and problem
   */
  public static SafeTensorsIndex read(Path file) throws IOException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SafeTensorsFormatException(file, "index is not valid UTF-8", e);
    }
    JsonObject json = SafeTensorsReader.parseStrictJson(file, text, "index");
    Object meta = json.getValue("metadata");
    long total;
    if (meta == null) {
      total = 0;
    } else if (meta instanceof JsonObject m) {
      Object ts = m.getValue("total_size");
      if (ts == null) {
        total = 0;
      } else if (ts instanceof Number num && (ts instanceof Integer || ts instanceof Long
          || (num.doubleValue() == Math.rint(num.doubleValue()) && num.doubleValue() >= 0 && num.doubleValue() < 0x1p62))) {
        total = num.longValue();
      } else {
        throw new SafeTensorsFormatException(file, "metadata.total_size is not a non-negative integer: " + ts);
      }
    } else {
      throw new SafeTensorsFormatException(file, "'metadata' is not a JSON object");
    }
    Object wmv = json.getValue("weight_map");
    if (!(wmv instanceof JsonObject wm)) {
      throw new SafeTensorsFormatException(file, "index has no 'weight_map' object");
    }
    TreeMap<String, String> map = new TreeMap<>();
    for (Map.Entry<String, Object> e : wm) {
      if (!(e.getValue() instanceof String s)) {
        throw new SafeTensorsFormatException(file, "weight_map entry for '" + e.getKey() + "' is not a string");
      }
      map.put(e.getKey(), s);
    }
    try {
      return new SafeTensorsIndex(total, map);
    } catch (IllegalArgumentException e) {
      throw new SafeTensorsFormatException(file, e.getMessage(), e);
    }
  }
}
