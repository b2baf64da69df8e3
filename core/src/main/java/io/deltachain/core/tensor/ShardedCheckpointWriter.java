package io.deltachain.core.tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a checkpoint split into shards of at most {@code maxShardBytes} of tensor data, in the
 * Hugging Face layout: {@code model-00001-of-0000N.safetensors} files plus
 * {@code model.safetensors.index.json}, or a single {@code model.safetensors} (and no index)
 * when everything fits in one shard, as {@code save_pretrained} does.
 *
 * <p>Tensors are assigned to shards greedily in the order they were added (add them in layer
 * order to keep layers together); a tensor larger than the limit gets a shard of its own. Each
 * shard and then the index are written atomically; the index is written last, so a crash
 * leaves either the old index or a complete new checkpoint referenced by it.
 */
public final class ShardedCheckpointWriter {
  private final long maxShardBytes;
  private final Map<String, String> metadata = new TreeMap<>();
  private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();

  /** A writer whose shards hold at most {@code maxShardBytes} of tensor data each. */
  public ShardedCheckpointWriter(long maxShardBytes) {
    if (maxShardBytes <= 0) {
      throw new IllegalArgumentException("max shard size must be positive, got " + maxShardBytes);
    }
    this.maxShardBytes = maxShardBytes;
  }

  /** Metadata written into every shard. */
  public ShardedCheckpointWriter putMetadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** Queues floats stored as {@code dtype}. */
  public ShardedCheckpointWriter addFloats(String name, DType dtype, long[] shape, float[] values) {
    return queue(new PendingTensor.Floats(name, dtype, shape, values));
  }

  /** Queues raw little-endian bytes. */
  public ShardedCheckpointWriter add(String name, DType dtype, long[] shape, byte[] data) {
    return queue(new PendingTensor.Bytes(name, dtype, shape, java.nio.ByteBuffer.wrap(data)));
  }

  /** Queues a tensor of an open file, copied byte for byte. */
  public ShardedCheckpointWriter addFrom(SafeTensorsReader reader, String name) {
    return queue(new PendingTensor.FromReader(name, reader, reader.info(name)));
  }

  private ShardedCheckpointWriter queue(PendingTensor t) {
    if (tensors.containsKey(t.name)) {
      throw new IllegalArgumentException("tensor '" + t.name + "' was already added");
    }
    tensors.put(t.name, t);
    return this;
  }

  /**
   * Writes the shards and (when there is more than one) the index into {@code dir}.
   *
   * @return the files written, shards first, then the index if any
   */
  public List<Path> write(Path dir) throws IOException {
    List<List<PendingTensor>> shards = new ArrayList<>();
    List<PendingTensor> current = new ArrayList<>();
    long currentBytes = 0;
    for (PendingTensor t : tensors.values()) {
      if (!current.isEmpty() && currentBytes + t.byteLength > maxShardBytes) {
        shards.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(t);
      currentBytes += t.byteLength;
    }
    if (!current.isEmpty() || shards.isEmpty()) {
      shards.add(current);
    }
    List<Path> written = new ArrayList<>();
    if (shards.size() == 1) {
      Path file = dir.resolve(ShardedCheckpoint.SINGLE_FILE);
      shardWriter(shards.get(0)).write(file);
      written.add(file);
      return written;
    }
    TreeMap<String, String> weightMap = new TreeMap<>();
    long total = 0;
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
      Path file = dir.resolve(name);
      shardWriter(shards.get(i)).write(file);
      written.add(file);
      for (PendingTensor t : shards.get(i)) {
        weightMap.put(t.name, name);
        total += t.byteLength;
      }
    }
    Path indexFile = dir.resolve(SafeTensorsIndex.FILE_NAME);
    new SafeTensorsIndex(total, weightMap).write(indexFile);
    written.add(indexFile);
    return written;
  }

  private SafeTensorsWriter shardWriter(List<PendingTensor> shard) {
    SafeTensorsWriter w = new SafeTensorsWriter().putAllMetadata(metadata);
    for (PendingTensor t : shard) {
      w.queue(t);
    }
    return w;
  }
}
