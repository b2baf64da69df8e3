package io.deltachain.round;

import java.util.Optional;

/**
 * Where a layer's base checkpoint comes from when the chain has no head for it yet (the first
 * round on a layer): the hash a StartRound declares as the layer's base, which trainers build
 * their deltas on, validators check them against and checkpoint proposals name as parent. Later
 * rounds build on the layer's head on chain instead.
 */
@FunctionalInterface
public interface BaseCheckpoints {
  /**
   * The base checkpoint of a layer.
   *
   * @param modelId the round's model profile
   * @param layer the layer's module path, {@code model.layers.N}
   * @return its SHA-256, lowercase hex, or empty when none is known
   */
  Optional<String> base(String modelId, String layer);

  /** No declared bases: rounds name only the heads the chain has. */
  static BaseCheckpoints none() {
    return (model, layer) -> Optional.empty();
  }
}
