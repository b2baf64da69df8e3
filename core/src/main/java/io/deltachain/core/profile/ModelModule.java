package io.deltachain.core.profile;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The named modules of a Llama-layout decoder, with their Hugging Face module paths. Tensor
 * names are {@code path + ".weight"} (and {@code ".bias"} where the profile has biases), e.g.
 * {@code model.layers.15.self_attn.q_proj.weight}.
 */
public enum ModelModule {
  /** Token embedding table {@code [vocab, hidden]}. */
  EMBED_TOKENS("embed_tokens", Scope.GLOBAL, "model.embed_tokens"),
  /** RMSNorm before attention, {@code [hidden]}. */
  INPUT_LAYERNORM("input_layernorm", Scope.LAYER, "input_layernorm"),
  /** Query projection {@code [heads*head_dim, hidden]}. */
  Q_PROJ("q_proj", Scope.LAYER, "self_attn.q_proj"),
  /** Key projection {@code [kv_heads*head_dim, hidden]}. */
  K_PROJ("k_proj", Scope.LAYER, "self_attn.k_proj"),
  /** Value projection {@code [kv_heads*head_dim, hidden]}. */
  V_PROJ("v_proj", Scope.LAYER, "self_attn.v_proj"),
  /** Output projection {@code [hidden, heads*head_dim]}. */
  O_PROJ("o_proj", Scope.LAYER, "self_attn.o_proj"),
  /** Per-head query RMSNorm {@code [head_dim]} (Qwen3 only). */
  Q_NORM("q_norm", Scope.LAYER, "self_attn.q_norm"),
  /** Per-head key RMSNorm {@code [head_dim]} (Qwen3 only). */
  K_NORM("k_norm", Scope.LAYER, "self_attn.k_norm"),
  /** RMSNorm before the MLP, {@code [hidden]}. */
  POST_ATTENTION_LAYERNORM("post_attention_layernorm", Scope.LAYER, "post_attention_layernorm"),
  /** SwiGLU gate projection {@code [intermediate, hidden]}. */
  GATE_PROJ("gate_proj", Scope.LAYER, "mlp.gate_proj"),
  /** SwiGLU up projection {@code [intermediate, hidden]}. */
  UP_PROJ("up_proj", Scope.LAYER, "mlp.up_proj"),
  /** SwiGLU down projection {@code [hidden, intermediate]}. */
  DOWN_PROJ("down_proj", Scope.LAYER, "mlp.down_proj"),
  /** Final RMSNorm {@code [hidden]}. */
  NORM("norm", Scope.GLOBAL, "model.norm"),
  /** Output head {@code [vocab, hidden]}; absent when embeddings are tied. */
  LM_HEAD("lm_head", Scope.GLOBAL, "lm_head");

  /** Whether a module occurs once per decoder layer or once per model. */
  public enum Scope {
    /** Once in every decoder layer. */
    LAYER,
    /** Once in the model. */
    GLOBAL
  }

  private static final Set<ModelModule> LAYER_LINEARS =
      EnumSet.of(Q_PROJ, K_PROJ, V_PROJ, O_PROJ, GATE_PROJ, UP_PROJ, DOWN_PROJ);

  private final String hfName;
  private final Scope scope;
  private final String path;

  ModelModule(String hfName, Scope scope, String path) {
    this.hfName = hfName;
    this.scope = scope;
    this.path = path;
  }

  /** The short Hugging Face name, as used in PEFT {@code target_modules} (e.g. {@code q_proj}). */
  public String hfName() {
    return hfName;
  }

  /** Whether this module repeats in every layer. */
  public Scope scope() {
    return scope;
  }

  /** Whether this is one of the seven linear projections inside a decoder layer. */
  public boolean isLayerLinear() {
    return LAYER_LINEARS.contains(this);
  }

  /** Whether this is an RMSNorm weight. */
  public boolean isNorm() {
    return this == INPUT_LAYERNORM
        || this == POST_ATTENTION_LAYERNORM
        || this == Q_NORM
        || this == K_NORM
        || this == NORM;
  }

  /**
   * The module path for a layer module, e.g. {@code model.layers.3.mlp.up_proj}.
   *
   * @throws IllegalArgumentException for a global module or a negative layer
   */
  public String path(int layer) {
    if (scope != Scope.LAYER) {
      throw new IllegalArgumentException(hfName + " is not a per-layer module; use path()");
    }
    if (layer < 0) {
      throw new IllegalArgumentException("layer index must be >= 0, got " + layer);
    }
    return "model.layers." + layer + "." + path;
  }

  /**
   * The module path for a global module, e.g. {@code model.embed_tokens}.
   *
   * @throws IllegalArgumentException for a per-layer module
   */
  public String path() {
    if (scope != Scope.GLOBAL) {
      throw new IllegalArgumentException(hfName + " is a per-layer module; use path(layer)");
    }
    return path;
  }

  /** The seven linear projections of a decoder layer (the usual LoRA targets). */
  public static Set<ModelModule> layerLinears() {
    return EnumSet.copyOf(LAYER_LINEARS);
  }

  /** The module with this short Hugging Face name ({@code q_proj}, {@code lm_head}, ...). */
  public static Optional<ModelModule> ofHfName(String name) {
    return Arrays.stream(values()).filter(m -> m.hfName.equals(name)).findFirst();
  }

  /** All short names, for error messages. */
  public static String hfNames() {
    return Arrays.stream(values()).map(ModelModule::hfName).collect(Collectors.joining(", "));
  }
}
