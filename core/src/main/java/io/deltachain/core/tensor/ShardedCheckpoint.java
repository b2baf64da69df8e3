package io.deltachain.core.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * A read view over a checkpoint that may be split across several safetensors shards, as
 * Hugging Face stores large models: a directory with {@code model.safetensors.index.json} and
 * its shards, or a single {@code model.safetensors}.
 *
 * <p>{@link #open} opens and validates every shard and checks that each tensor the index names
 * is in the shard it names; tensors a shard holds but the index does not list are ignored, as
 * transformers does.
 */
public final class ShardedCheckpoint implements AutoCloseable {
  /** File name of an unsharded checkpoint. */
  public static final String SINGLE_FILE = "model.safetensors";

  private final Path directory;
  private final SafeTensorsIndex index;
  private final Map<String, SafeTensorsReader> readers;
  private final SortedMap<String, SafeTensorsReader> byTensor;

  private ShardedCheckpoint(Path directory, SafeTensorsIndex index, Map<String, SafeTensorsReader> readers,
      SortedMap<String, SafeTensorsReader> byTensor) {
    this.directory = directory;
    this.index = index;
    this.readers = readers;
    this.byTensor = byTensor;
  }

  /**
   * Opens a checkpoint given its directory, its index file, or a single safetensors file.
   *
   * @throws SafeTensorsFormatException if the index or a shard is invalid, or they disagree
   */
  public static ShardedCheckpoint open(Path path) throws IOException {
    Path indexFile;
    if (Files.isDirectory(path)) {
      indexFile = path.resolve(SafeTensorsIndex.FILE_NAME);
      if (!Files.exists(indexFile)) {
        Path single = path.resolve(SINGLE_FILE);
        if (!Files.exists(single)) {
          throw new java.io.FileNotFoundException(
              path + ": neither " + SafeTensorsIndex.FILE_NAME + " nor " + SINGLE_FILE + " is here");
        }
        return openSingle(single);
      }
    } else if (path.getFileName().toString().endsWith(".json")) {
      indexFile = path;
    } else {
      return openSingle(path);
    }
    SafeTensorsIndex index = SafeTensorsIndex.read(indexFile);
    Path dir = indexFile.toAbsolutePath().getParent();
    Map<String, SafeTensorsReader> readers = new LinkedHashMap<>();
    try {
      for (String shard : index.shardFiles()) {
        Path shardPath = dir.resolve(shard);
        if (!Files.isRegularFile(shardPath)) {
          throw new SafeTensorsFormatException(indexFile, "shard '" + shard + "' named in the weight_map does not exist");
        }
        readers.put(shard, SafeTensorsReader.open(shardPath));
      }
      SortedMap<String, SafeTensorsReader> byTensor = new TreeMap<>();
      for (Map.Entry<String, String> e : index.weightMap().entrySet()) {
        SafeTensorsReader r = readers.get(e.getValue());
        if (!r.contains(e.getKey())) {
          throw new SafeTensorsFormatException(
              indexFile, "weight_map puts tensor '" + e.getKey() + "' in '" + e.getValue() + "', which does not hold it");
        }
        byTensor.put(e.getKey(), r);
      }
      return new ShardedCheckpoint(dir, index, Collections.unmodifiableMap(readers), byTensor);
    } catch (IOException | RuntimeException e) {
      for (SafeTensorsReader r : readers.values()) {
        try {
          r.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static ShardedCheckpoint openSingle(Path file) throws IOException {
    SafeTensorsReader r = SafeTensorsReader.open(file);
    String name = file.getFileName().toString();
    SortedMap<String, String> wm = new TreeMap<>();
    SortedMap<String, SafeTensorsReader> byTensor = new TreeMap<>();
    long total = 0;
    for (TensorInfo t : r.tensors()) {
      wm.put(t.name(), name);
      byTensor.put(t.name(), r);
      total += t.byteLength();
    }
    Map<String, SafeTensorsReader> readers = new LinkedHashMap<>();
    readers.put(name, r);
    return new ShardedCheckpoint(file.toAbsolutePath().getParent(), new SafeTensorsIndex(total, wm),
        Collections.unmodifiableMap(readers), byTensor);
  }

  /** The directory holding the checkpoint. */
  public Path directory() {
    return directory;
  }

  /** The index (synthesized for a single-file checkpoint). */
  public SafeTensorsIndex index() {
    return index;
  }

  /** All tensor names, sorted. */
  public SortedSet<String> names() {
    return (SortedSet<String>) Collections.unmodifiableSortedSet(new java.util.TreeSet<>(byTensor.keySet()));
  }

  /** Whether the checkpoint holds {@code name}. */
  public boolean contains(String name) {
    return byTensor.containsKey(name);
  }

  /** The shard reader holding a tensor. */
  public SafeTensorsReader shardOf(String name) {
    SafeTensorsReader r = byTensor.get(name);
    if (r == null) {
      throw new NoSuchElementException(directory + ": no tensor named '" + name + "' in any shard");
    }
    return r;
  }

  /** Open readers of every shard, by shard file name. */
  public Map<String, SafeTensorsReader> shards() {
    return readers;
  }

  /** Header entry of a tensor (offsets are relative to its shard's data buffer). */
  public TensorInfo info(String name) {
    return shardOf(name).info(name);
  }

  /** A tensor's values as floats (see {@link SafeTensorsReader#readFloats(String)}). */
  public float[] readFloats(String name) throws IOException {
    return shardOf(name).readFloats(name);
  }

  /** A read-only little-endian view of a tensor's bytes. */
  public ByteBuffer buffer(String name) throws IOException {
    return shardOf(name).buffer(name);
  }

  /** Sum of the data bytes of every indexed tensor (compare with {@link SafeTensorsIndex#totalSize()}). */
  public long actualTotalSize() {
    long sum = 0;
    for (Map.Entry<String, SafeTensorsReader> e : byTensor.entrySet()) {
      sum += e.getValue().info(e.getKey()).byteLength();
    }
    return sum;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafeTensorsReader r : readers.values()) {
      try {
        r.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Shard files in index order (used by tests and tools). */
  public List<Path> shardPaths() {
    List<Path> out = new ArrayList<>();
    for (SafeTensorsReader r : readers.values()) {
      out.add(r.file());
    }
    return out;
  }
}
