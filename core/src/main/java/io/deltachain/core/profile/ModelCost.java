package io.deltachain.core.profile;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parameter counts and FLOPs derived from a {@link ModelProfile}. All counts are exact
 * integers computed from the tensor shapes (weights plus any biases).
 *
 * <h2>FLOPs</h2>
 *
 * A multiply-add is 2 FLOPs. Per token and per decoder layer, the forward pass costs
 *
 * <pre>
 *   forward_layer(s) = 2 * W_linear + 2 * 2 * s * heads * head_dim
 * </pre>
 *
 * where {@code W_linear} is the number of weights in the layer's seven linear projections
 * and {@code s} the sequence length: the first term is the projections, the second the
 * attention scores ({@code Q K^T}) and the weighted sum of values ({@code P V}), each
 * {@code s * heads * head_dim} multiply-adds per token. This counts the full {@code s x s}
 * score matrix as the usual estimates do (Kaplan et al. 2020, Megatron); a causal kernel that
 * skips the masked half does about half the attention work. Norms, RoPE, softmax, SiLU and
 * biases are lower-order and not counted. The model adds the head, {@code 2 * vocab * hidden}
 * per token (the embedding lookup costs nothing). Backward is twice the forward (gradients
 * with respect to inputs and to weights); a training step is therefore 3x the forward, 4x
 * with activation checkpointing, which repeats each layer's forward during backward.
 */
public final class ModelCost {
  private final ModelProfile profile;
  private final Map<ModelModule, Long> perModule;

  private ModelCost(ModelProfile profile) {
    this.profile = profile;
    Map<ModelModule, Long> counts = new EnumMap<>(ModelModule.class);
    for (ModelModule m : ModelModule.values()) {
      counts.put(m, count(profile, m));
    }
    this.perModule = Collections.unmodifiableMap(counts);
  }

  /** The figures for this profile. */
  public static ModelCost of(ModelProfile profile) {
    return new ModelCost(Objects.requireNonNull(profile, "profile"));
  }

  /** The profile these figures describe. */
  public ModelProfile profile() {
    return profile;
  }

  /**
   * Parameters of one instance of a module (weight plus bias): per layer for layer modules,
   * once for global ones; 0 for a module the profile lacks (q_norm in Llama, a tied lm_head).
   */
  public long parameters(ModelModule module) {
    return perModule.get(module);
  }

  /** {@link #parameters(ModelModule)} for every module, in {@link ModelModule} order. */
  public Map<ModelModule, Long> parametersByModule() {
    return perModule;
  }

  /** Parameters in one decoder layer. */
  public long parametersPerLayer() {
    long sum = 0;
    for (Map.Entry<ModelModule, Long> e : perModule.entrySet()) {
      if (e.getKey().scope() == ModelModule.Scope.LAYER) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  /** Parameters in the layer's seven linear projections (weights and biases). */
  public long linearParametersPerLayer() {
    long sum = 0;
    for (ModelModule m : ModelModule.layerLinears()) {
      sum += perModule.get(m);
    }
    return sum;
  }

  /** Weights (no biases) in the layer's seven linear projections: the matmul work. */
  public long linearWeightsPerLayer() {
    long sum = 0;
    for (ModelModule m : ModelModule.layerLinears()) {
      sum += Math.multiplyExact(profile.inFeatures(m), profile.outFeatures(m));
    }
    return sum;
  }

  /** Parameters outside the decoder layers: embeddings, final norm and (untied) head. */
  public long globalParameters() {
    return perModule.get(ModelModule.EMBED_TOKENS)
        + perModule.get(ModelModule.NORM)
        + perModule.get(ModelModule.LM_HEAD);
  }

  /** All parameters of the model. */
  public long totalParameters() {
    return Math.addExact(
        Math.multiplyExact(parametersPerLayer(), (long) profile.numLayers()), globalParameters());
  }

  /** All parameters except the embedding table and lm_head, as model cards quote them. */
  public long nonEmbeddingParameters() {
    return totalParameters()
        - perModule.get(ModelModule.EMBED_TOKENS)
        - perModule.get(ModelModule.LM_HEAD);
  }

  /** Forward FLOPs per token in one layer at sequence length {@code seqLen} (see class doc). */
  public long forwardFlopsPerTokenPerLayer(int seqLen) {
    requirePositive(seqLen);
    long projections = 2 * linearWeightsPerLayer();
    long attention = 2L * 2L * seqLen * profile.queryWidth();
    return Math.addExact(projections, attention);
  }

  /** Backward FLOPs per token in one layer: twice the forward. */
  public long backwardFlopsPerTokenPerLayer(int seqLen) {
    return Math.multiplyExact(2, forwardFlopsPerTokenPerLayer(seqLen));
  }

  /** Forward FLOPs of the lm_head matmul per token (tied or not, the logits are computed). */
  public long headFlopsPerToken() {
    return 2L * profile.vocabSize() * profile.hiddenSize();
  }

  /** Forward FLOPs per token through the whole model, head included. */
  public long forwardFlopsPerToken(int seqLen) {
    return Math.addExact(
        Math.multiplyExact((long) profile.numLayers(), forwardFlopsPerTokenPerLayer(seqLen)),
        headFlopsPerToken());
  }

  /**
   * Training FLOPs per token (forward + backward = 3x forward), plus one more forward of the
   * layers when activation checkpointing recomputes them.
   */
  public long trainingFlopsPerToken(int seqLen, boolean activationCheckpointing) {
    long forward = forwardFlopsPerToken(seqLen);
    long total = Math.multiplyExact(3, forward);
    if (activationCheckpointing) {
      total = Math.addExact(
          total,
          Math.multiplyExact((long) profile.numLayers(), forwardFlopsPerTokenPerLayer(seqLen)));
    }
    return total;
  }

  private static void requirePositive(int seqLen) {
    if (seqLen <= 0) {
      throw new IllegalArgumentException("sequence length must be positive, got " + seqLen);
    }
  }

  private static long count(ModelProfile p, ModelModule m) {
    if (!p.hasModule(m)) {
      return 0;
    }
    long n = 1;
    for (long d : p.weightShape(m)) {
      n = Math.multiplyExact(n, d);
    }
    if (m.isLayerLinear() && p.hasBias(m)) {
      n += p.outFeatures(m);
    }
    return n;
  }
}
