package io.deltachain.inference.load;

import ai.djl.ndarray.types.Shape;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tensor.SafeTensorsReader;
import io.deltachain.core.tensor.TensorInfo;
import io.deltachain.trainer.model.CausalLm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings a base model to the chain's current heads: for every layer with a head checkpoint, the
 * checkpoint file (safetensors of the layer's full tensors, named by the SHA-256 the validators
 * voted on) is fetched, its hash checked against the head, and its tensors written into the
 * model. A checkpoint whose bytes do not hash to the head, that names a tensor outside its layer
 * or one the model lacks, or has the wrong shape, is refused and the model is left as it was for
 * that layer and every later one (layers are applied in name order).
 */
public final class HeadsLoader {
  /** Fetches content by hash (the delta store). */
  @FunctionalInterface
  public interface BlobSource {
    /** @return the bytes stored under the hash; throws if absent */
    byte[] fetch(ContentHash hash) throws IOException;
  }

  /**
   * One applied checkpoint.
   *
   * @param layer module path, e.g. {@code model.layers.3}
   * @param hash the head checkpoint's hash
   * @param tensors tensors written
   */
  public record Applied(String layer, ContentHash hash, int tensors) {}

  private HeadsLoader() {
  }

  /**
   * Applies the heads.
   *
   * @param model the base model
   * @param heads head checkpoint hash (hex) by layer
   * @param blobs where checkpoints are fetched
   * @return what was applied, in layer order
   * @throws IOException when a checkpoint is unavailable, corrupt or does not fit the model
   */
  public static List<Applied> apply(CausalLm model, Map<String, String> heads, BlobSource blobs) throws IOException {
    List<Applied> out = new ArrayList<>();
    for (Map.Entry<String, String> head : new TreeMap<>(heads).entrySet()) {
      String layer = head.getKey();
      ContentHash hash = ContentHash.parse(head.getValue());
      byte[] bytes = blobs.fetch(hash);
      ContentHash actual = ContentHash.sha256(bytes);
      if (!actual.equals(hash)) {
        throw new IOException("checkpoint of " + layer + " hashes to " + actual.hex() + " but the chain's head is "
            + hash.hex() + ": refusing it");
      }
      Path tmp = Files.createTempFile("head-", ".safetensors");
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
