package io.deltachain.core.profile;

import java.util.List;
import java.util.Objects;

/**
 * One tensor of a model as Hugging Face names and shapes it.
 *
 * @param name the full key, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param module the module it belongs to
 * @param layer the decoder layer index, or -1 for a global module
 * @param shape dimensions, outermost first ({@code [out_features, in_features]} for linears)
 */
public record TensorSpec(String name, ModelModule module, int layer, List<Long> shape) {
  /** Copies the shape. */
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(module, "module");
    shape = List.copyOf(shape);
  }

  /** The number of elements. */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Whether this is a bias vector rather than a weight. */
  public boolean isBias() {
    return name.endsWith(".bias");
  }

  /** The number of rows: the first dimension (1 for a scalar). */
  public long rows() {
    return shape.isEmpty() ? 1 : shape.get(0);
  }
}
