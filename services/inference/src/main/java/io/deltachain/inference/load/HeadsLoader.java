package io.deltachain.inference.load;

import io.deltachain.core.content.ContentHash;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LayerCheckpoints;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Brings a base model to the chain's current heads before serving: {@link LayerCheckpoints}
 * (the trainer module's loader, which trainers and validators use too, so the served weights are
 * the ones the chain's rounds built on) applied to the head of every layer that has one. A head
 * whose bytes do not hash to it, or that does not fit the model, is refused.
 */
public final class HeadsLoader {
  /** Fetches content by hash (the delta store). */
  @FunctionalInterface
  public interface BlobSource extends LayerCheckpoints.BlobSource {
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
    return LayerCheckpoints.apply(model, heads, blobs).stream()
        .map(a -> new Applied(a.layer(), a.hash(), a.tensors())).toList();
  }
}
