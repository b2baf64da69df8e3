package io.deltachain.validator.aggregate;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tensor.DType;
import io.deltachain.core.tensor.SafeTensorsReader;
import io.deltachain.core.tensor.SafeTensorsWriter;
import io.deltachain.core.tensor.TensorInfo;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads dense layer deltas and writes layer checkpoints as safetensors (through core's
 * reader and writer, whose output is a pure function of the tensors and metadata), and names a
 * checkpoint by the SHA-256 of its file: the hash validators propose and vote on.
 */
public final class CheckpointFiles {
  private CheckpointFiles() {}

  /**
   * Writes the checkpoint tensors as F32 with the given metadata and returns the file's hash.
   * Metadata must itself be deterministic (round id, layer, method, parent hash, contributing
   * delta ids; never a clock or a host name).
   */
  public static ContentHash write(Path file, SortedMap<String, DenseTensor> tensors, Map<String, String> metadata)
      throws IOException {
    SafeTensorsWriter w = new SafeTensorsWriter().putAllMetadata(new TreeMap<>(metadata));
    for (Map.Entry<String, DenseTensor> e : tensors.entrySet()) {
      int[] shape = e.getValue().shape();
      long[] longShape = new long[shape.length];
      for (int d = 0; d < shape.length; d++) {
        longShape[d] = shape[d];
      }
      w.addFloats(e.getKey(), DType.F32, longShape, e.getValue().values());
    }
    w.write(file);
    return ContentHash.sha256(file);
  }

  /** Reads every tensor of a safetensors file as float32 (F16/BF16 widened exactly). */
  public static SortedMap<String, DenseTensor> readTensors(Path file) throws IOException {
    SortedMap<String, DenseTensor> out = new TreeMap<>();
    try (SafeTensorsReader r = SafeTensorsReader.open(file)) {
      for (TensorInfo info : r.tensors()) {
        long[] shape = info.shape();
        int[] intShape = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
          intShape[d] = Math.toIntExact(shape[d]);
        }
        out.put(info.name(), new DenseTensor(intShape, r.readFloats(info.name())));
      }
    }
    return out;
  }

  /** Reads a dense delta file of one layer. */
  public static LayerDelta readDenseDelta(Path file, String layer) throws IOException {
    return new LayerDelta(layer, readTensors(file));
  }
}
