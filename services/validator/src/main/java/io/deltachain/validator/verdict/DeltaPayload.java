package io.deltachain.validator.verdict;

import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LoraFactors;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** The tensors of a fetched delta file, as trained: dense deltas or LoRA factor pairs. */
public sealed interface DeltaPayload {

  /**
   * A dense delta (FULL mode).
   *
   * @param tensors full weight name to delta
   */
  record Dense(SortedMap<String, DenseTensor> tensors) implements DeltaPayload {
    /** Copies the map. */
    public Dense {
      tensors = Collections.unmodifiableSortedMap(new TreeMap<>(tensors));
    }
  }

  /**
   * LoRA or QLoRA factors.
   *
   * @param factors full weight name (e.g. {@code model.layers.3.self_attn.q_proj.weight}) to its A/B pair
   */
  record Lora(SortedMap<String, LoraFactors> factors) implements DeltaPayload {
    /** Copies the map. */
    public Lora {
      factors = Collections.unmodifiableSortedMap(new TreeMap<>(factors));
    }
  }
}
