package io.deltachain.trainer.model;

import ai.djl.ndarray.types.Shape;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tensor.SafeTensorsReader;
import io.deltachain.core.tensor.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings a seed-initialised model to the layer checkpoints a round builds on: for every layer
 * named, the checkpoint file (safetensors of the layer's full tensors, named by the SHA-256 the
 * validators voted on) is fetched, its hash checked, and its tensors written into the model.
 * Trainers call it before training, validators before evaluating and replaying, the inference
 * server before serving, so all of them see the same weights for the same chain state.
 *
 * <p>A checkpoint whose bytes do not hash to the declared hash, that names a tensor outside its
 * layer or one the model lacks, or has the wrong shape, is refused with an {@link IOException}
 * and the model is left as it was for that layer and every later one (layers are applied in name
 * order).
 */
public final class LayerCheckpoints {
  /** Fetches content by hash (the delta store). */
  @FunctionalInterface
  public interface BlobSource {
    /** @return the bytes stored under the hash; throws if absent */
    byte[] fetch(ContentHash hash) throws IOException;

    /** A source that has nothing: for nodes whose rounds all start from the seed base. */
    static BlobSource none() {
      return hash -> {
        throw new IOException("checkpoint " + hash.hex() + " is needed but this node has no checkpoint source"
            + " (a delta store) configured");
      };
    }
  }

  /**
   * One applied checkpoint.
   *
   * @param layer module path, e.g. {@code model.layers.3}
   * @param hash the checkpoint's hash
   * @param tensors tensors written
   */
  public record Applied(String layer, ContentHash hash, int tensors) {}

  private LayerCheckpoints() {
  }

  /**
   * The checkpoints a round's declared bases ask for: every layer whose base is not the seed
   * base itself (a fresh model already is the seed base).
   *
   * @param declared base checkpoint hash (hex) by layer, as the round declares them
   * @param seedBaseHash the hash naming the seed-initialised base (hex)
   * @return the layers to load, sorted
   */
  public static Map<String, String> toApply(Map<String, String> declared, String seedBaseHash) {
    Map<String, String> out = new TreeMap<>();
    declared.forEach((layer, hash) -> {
      if (!hash.equalsIgnoreCase(seedBaseHash)) {
        out.put(layer, hash);
      }
    });
    return out;
  }

  /**
   * Applies the checkpoints.
   *
   * @param model the model
   * @param checkpoints checkpoint hash (hex) by layer
   * @param blobs where checkpoints are fetched
   * @return what was applied, in layer order
   * @throws IOException when a checkpoint is unavailable, corrupt or does not fit the model
   */
  public static List<Applied> apply(CausalLm model, Map<String, String> checkpoints, BlobSource blobs)
      throws IOException {
    List<Applied> out = new ArrayList<>();
    for (Map.Entry<String, String> head : new TreeMap<>(checkpoints).entrySet()) {
      String layer = head.getKey();
      ContentHash hash = ContentHash.parse(head.getValue());
      byte[] bytes = blobs.fetch(hash);
      ContentHash actual = ContentHash.sha256(bytes);
      if (!actual.equals(hash)) {
        throw new IOException("checkpoint of " + layer + " hashes to " + actual.hex() + " but the chain names "
            + hash.hex() + ": refusing it");
      }
      Path tmp = Files.createTempFile("layer-checkpoint-", ".safetensors");
      try {
        Files.write(tmp, bytes);
        Map<String, float[]> values = new TreeMap<>();
        Map<String, Shape> shapes = new TreeMap<>();
        try (SafeTensorsReader r = SafeTensorsReader.open(tmp)) {
          for (TensorInfo t : r.tensors()) {
            if (!t.name().startsWith(layer + ".")) {
              throw new IOException("checkpoint " + hash.hex() + " of " + layer + " holds " + t.name()
                  + ", which is outside that layer");
            }
            if (!model.parameters().containsKey(t.name())) {
              throw new IOException("checkpoint " + hash.hex() + " holds " + t.name() + ", which the model lacks");
            }
            Shape want = model.parameters().get(t.name()).getArray().getShape();
            Shape got = new Shape(t.shape());
            if (!want.equals(got)) {
              throw new IOException("checkpoint " + hash.hex() + ": " + t.name() + " has shape " + got
                  + ", the model " + want);
            }
            values.put(t.name(), r.readFloats(t.name()));
            shapes.put(t.name(), got);
          }
        }
        values.forEach((name, v) -> model.setWeight(name, v, shapes.get(name)));
        out.add(new Applied(layer, hash, values.size()));
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return out;
  }
}
