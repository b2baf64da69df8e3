package io.deltachain.core.profile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The shape of a Llama-layout base model: everything in a Hugging Face {@code config.json}
 * that decides tensor shapes and the forward pass. Immutable; build one with {@link #builder()}
 * (required settings {@code set*}, optional ones {@code opt*}, {@code build()} validates), read
 * one with {@link ModelProfiles#fromConfigJson(java.nio.file.Path)}, or load a bundled one with
 * {@link ModelProfiles#bundled(String)}.
 *
 * <p>Validation messages name the Hugging Face key at fault ({@code num_key_value_heads},
 * {@code head_dim}, ...), because that is what a user edits.
 */
public final class ModelProfile {
  /** The {@code torch_dtype} values deltachain accepts. */
  public static final Set<String> TORCH_DTYPES = Set.of("float32", "bfloat16", "float16");
  /** The only activation the Llama/Qwen MLP uses. */
  public static final String SILU = "silu";

  private final String name;
  private final ModelFamily family;
  private final List<String> architectures;
  private final int vocabSize;
  private final int hiddenSize;
  private final int numLayers;
  private final int numHeads;
  private final int numKvHeads;
  private final Integer explicitHeadDim;
  private final int intermediateSize;
  private final double ropeTheta;
  private final RopeScaling ropeScaling;
  private final double rmsNormEps;
  private final boolean tieWordEmbeddings;
  private final int maxPositionEmbeddings;
  private final String torchDtype;
  private final boolean attentionBias;
  private final boolean mlpBias;
  private final String hiddenAct;
  private final Integer bosTokenId;
  private final List<Integer> eosTokenIds;
  private final JsonObject extras;

  private ModelProfile(Builder b) {
    this.name = b.name;
    this.family = b.family;
    this.architectures =
        b.architectures == null ? List.of(b.family.causalLmArchitecture()) : List.copyOf(b.architectures);
    this.vocabSize = b.vocabSize;
    this.hiddenSize = b.hiddenSize;
    this.numLayers = b.numLayers;
    this.numHeads = b.numHeads;
    this.numKvHeads = b.numKvHeads == null ? b.numHeads : b.numKvHeads;
    this.explicitHeadDim = b.headDim;
    this.intermediateSize = b.intermediateSize;
    this.ropeTheta = b.ropeTheta;
    this.ropeScaling = b.ropeScaling;
    this.rmsNormEps = b.rmsNormEps;
    this.tieWordEmbeddings = b.tieWordEmbeddings;
    this.maxPositionEmbeddings = b.maxPositionEmbeddings;
    this.torchDtype = b.torchDtype;
    this.attentionBias = b.attentionBias;
    this.mlpBias = b.mlpBias;
    this.hiddenAct = b.hiddenAct;
    this.bosTokenId = b.bosTokenId;
    this.eosTokenIds = b.eosTokenIds == null ? List.of() : List.copyOf(b.eosTokenIds);
    this.extras = b.extras == null ? new JsonObject() : b.extras.copy();
  }

  /** A builder with Hugging Face's defaults for the optional settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this profile's settings, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.family = family;
    b.architectures = architectures;
    b.vocabSize = vocabSize;
    b.hiddenSize = hiddenSize;
    b.numLayers = numLayers;
    b.numHeads = numHeads;
    b.numKvHeads = numKvHeads;
    b.headDim = explicitHeadDim;
    b.intermediateSize = intermediateSize;
    b.ropeTheta = ropeTheta;
    b.ropeScaling = ropeScaling;
    b.rmsNormEps = rmsNormEps;
    b.tieWordEmbeddings = tieWordEmbeddings;
    b.maxPositionEmbeddings = maxPositionEmbeddings;
    b.torchDtype = torchDtype;
    b.attentionBias = attentionBias;
    b.mlpBias = mlpBias;
    b.hiddenAct = hiddenAct;
    b.bosTokenId = bosTokenId;
    b.eosTokenIds = eosTokenIds;
    b.extras = extras;
    return b;
  }

  /** The profile's name (a bundled name, or {@code _name_or_path}). */
  public String name() {
    return name;
  }

  /** The architecture family. */
  public ModelFamily family() {
    return family;
  }

  /** The {@code architectures} list of the config. */
  public List<String> architectures() {
    return architectures;
  }

  /** {@code vocab_size}. */
  public int vocabSize() {
    return vocabSize;
  }

  /** {@code hidden_size}. */
  public int hiddenSize() {
    return hiddenSize;
  }

  /** {@code num_hidden_layers}. */
  public int numLayers() {
    return numLayers;
  }

  /** {@code num_attention_heads}. */
  public int numHeads() {
    return numHeads;
  }

  /** {@code num_key_value_heads} (equal to the heads when the config omits it). */
  public int numKvHeads() {
    return numKvHeads;
  }

  /** {@code head_dim}: the explicit value, else {@code hidden_size / num_attention_heads}. */
  public int headDim() {
    return explicitHeadDim != null ? explicitHeadDim : hiddenSize / numHeads;
  }

  /** Whether the config states {@code head_dim} explicitly. */
  public boolean headDimExplicit() {
    return explicitHeadDim != null;
  }

  /** {@code intermediate_size} of the SwiGLU MLP. */
  public int intermediateSize() {
    return intermediateSize;
  }

  /** {@code rope_theta}, the RoPE base. */
  public double ropeTheta() {
    return ropeTheta;
  }

  /** RoPE scaling, if any. */
  public Optional<RopeScaling> ropeScaling() {
    return Optional.ofNullable(ropeScaling);
  }

  /** {@code rms_norm_eps}. */
  public double rmsNormEps() {
    return rmsNormEps;
  }

  /** {@code tie_word_embeddings}: when true there is no separate lm_head tensor. */
  public boolean tieWordEmbeddings() {
    return tieWordEmbeddings;
  }

  /** Whether queries and keys are RMS-normalized per head (Qwen3). */
  public boolean qkNorm() {
    return family.hasQkNorm();
  }

  /** {@code max_position_embeddings}. */
  public int maxPositionEmbeddings() {
    return maxPositionEmbeddings;
  }

  /** {@code torch_dtype}: the dtype the published weights are stored in. */
  public String torchDtype() {
    return torchDtype;
  }

  /** {@code attention_bias}: biases on q/k/v/o projections. */
  public boolean attentionBias() {
    return attentionBias;
  }

  /** {@code mlp_bias} (Llama only): biases on gate/up/down projections. */
  public boolean mlpBias() {
    return mlpBias;
  }

  /** {@code hidden_act} (always {@value #SILU}). */
  public String hiddenAct() {
    return hiddenAct;
  }

  /** {@code bos_token_id}, if stated. */
  public Optional<Integer> bosTokenId() {
    return Optional.ofNullable(bosTokenId);
  }

  /** {@code eos_token_id} as a list (a config may state one id or several). */
  public List<Integer> eosTokenIds() {
    return eosTokenIds;
  }

  /** Config keys this class does not model, kept so that a config round-trips (a copy). */
  public JsonObject extras() {
    return extras.copy();
  }

  /** Output width of q_proj: {@code heads * head_dim}. */
  public long queryWidth() {
    return (long) numHeads * headDim();
  }

  /** Output width of k_proj and v_proj: {@code kv_heads * head_dim}. */
  public long keyValueWidth() {
    return (long) numKvHeads * headDim();
  }

  /**
   * The input features of a layer linear, as {@code nn.Linear(in, out)} has them.
   *
   * @throws IllegalArgumentException for a module that is not a layer linear
   */
  public long inFeatures(ModelModule module) {
    return switch (requireLinear(module)) {
      case Q_PROJ, K_PROJ, V_PROJ, GATE_PROJ, UP_PROJ -> hiddenSize;
      case O_PROJ -> queryWidth();
      case DOWN_PROJ -> intermediateSize;
      default -> throw new AssertionError(module);
    };
  }

  /**
   * The output features of a layer linear.
   *
   * @throws IllegalArgumentException for a module that is not a layer linear
   */
  public long outFeatures(ModelModule module) {
    return switch (requireLinear(module)) {
      case Q_PROJ -> queryWidth();
      case K_PROJ, V_PROJ -> keyValueWidth();
      case O_PROJ, DOWN_PROJ -> hiddenSize;
      case GATE_PROJ, UP_PROJ -> intermediateSize;
      default -> throw new AssertionError(module);
    };
  }

  /** Whether this profile has the module at all (q_norm only in Qwen3, lm_head only untied). */
  public boolean hasModule(ModelModule module) {
    return switch (module) {
      case Q_NORM, K_NORM -> qkNorm();
      case LM_HEAD -> !tieWordEmbeddings;
      default -> true;
    };
  }

  /** Whether a layer linear carries a bias vector in this profile. */
  public boolean hasBias(ModelModule module) {
    return switch (module) {
      case Q_PROJ, K_PROJ, V_PROJ -> attentionBias || family.qkvBiasAlways();
      case O_PROJ -> attentionBias;
      case GATE_PROJ, UP_PROJ, DOWN_PROJ -> mlpBias;
      default -> false;
    };
  }

  /** The shape of one module's weight, outermost dimension first. */
  public List<Long> weightShape(ModelModule module) {
    return switch (module) {
      case EMBED_TOKENS, LM_HEAD -> List.of((long) vocabSize, (long) hiddenSize);
      case INPUT_LAYERNORM, POST_ATTENTION_LAYERNORM, NORM -> List.of((long) hiddenSize);
      case Q_NORM, K_NORM -> List.of((long) headDim());
      default -> List.of(outFeatures(module), inFeatures(module));
    };
  }

  /**
   * Every tensor of the model, with Hugging Face names and shapes, in module-registration
   * order: embeddings, then each layer (attention, MLP, norms), then the final norm and head.
   */
  public List<TensorSpec> tensors() {
    List<TensorSpec> out = new ArrayList<>();
    addTensors(out, ModelModule.EMBED_TOKENS, -1);
    for (int layer = 0; layer < numLayers; layer++) {
      out.addAll(layerTensors(layer));
    }
    addTensors(out, ModelModule.NORM, -1);
    addTensors(out, ModelModule.LM_HEAD, -1);
    return List.copyOf(out);
  }

  /** The tensors of one decoder layer. */
  public List<TensorSpec> layerTensors(int layer) {
    if (layer < 0 || layer >= numLayers) {
      throw new IllegalArgumentException(
          "layer " + layer + " is outside 0.." + (numLayers - 1) + " of " + name);
    }
    List<TensorSpec> out = new ArrayList<>();
    for (ModelModule m : ModelModule.values()) {
      if (m.scope() == ModelModule.Scope.LAYER) {
        addTensors(out, m, layer);
      }
    }
    return out;
  }

  private void addTensors(List<TensorSpec> out, ModelModule module, int layer) {
    if (!hasModule(module)) {
      return;
    }
    String prefix = layer < 0 ? module.path() : module.path(layer);
    out.add(new TensorSpec(prefix + ".weight", module, layer, weightShape(module)));
    if (module.isLayerLinear() && hasBias(module)) {
      out.add(new TensorSpec(prefix + ".bias", module, layer, List.of(outFeatures(module))));
    }
  }

  /** Parameter counts and FLOPs derived from this shape. */
  public ModelCost cost() {
    return ModelCost.of(this);
  }

  /**
   * RoPE inverse frequencies {@code inv_freq[i] = theta^(-2i/head_dim)} for
   * {@code i < head_dim/2}, with this profile's scaling applied (computed with
   * {@link StrictMath} so every machine gets the same bits).
   *
   * <p>Linear scaling divides every frequency by the factor; llama3 scaling follows
   * Hugging Face's {@code _compute_llama3_parameters}; dynamic scaling leaves the frequencies
   * unchanged up to the trained length.
   *
   * @throws UnsupportedOperationException for yarn, whose frequencies deltachain does not compute
   */
  public double[] ropeInverseFrequencies() {
    int half = headDim() / 2;
    double[] inv = new double[half];
    for (int i = 0; i < half; i++) {
      inv[i] = 1.0 / StrictMath.pow(ropeTheta, (2.0 * i) / headDim());
    }
    if (ropeScaling == null) {
      return inv;
    }
    switch (ropeScaling.type()) {
      case DYNAMIC -> {
        return inv;
      }
      case LINEAR -> {
        for (int i = 0; i < half; i++) {
          inv[i] /= ropeScaling.factor();
        }
        return inv;
      }
      case LLAMA3 -> {
        double factor = ropeScaling.factor();
        double low = ropeScaling.lowFreqFactor();
        double high = ropeScaling.highFreqFactor();
        double originalMax = ropeScaling.originalMaxPositionEmbeddings();
        double lowFreqWavelen = originalMax / low;
        double highFreqWavelen = originalMax / high;
        for (int i = 0; i < half; i++) {
          double wavelen = 2 * StrictMath.PI / inv[i];
          if (wavelen > lowFreqWavelen) {
            inv[i] = inv[i] / factor;
          } else if (wavelen >= highFreqWavelen) {
            double smooth = (originalMax / wavelen - low) / (high - low);
            inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
          }
        }
        return inv;
      }
      default -> throw new UnsupportedOperationException(
          "RoPE inverse frequencies for rope_type " + ropeScaling.type().hfName()
              + " are not implemented (profile " + name + ")");
    }
  }

  /**
   * This profile as a Hugging Face config.json object, keys sorted as {@code save_pretrained}
   * writes them. RoPE is written in the older {@code rope_theta} + {@code rope_scaling} form,
   * which transformers v4 reads and v5 converts; keys in {@link #extras()} are written back.
   */
  public JsonObject toConfigJson() {
    Map<String, Object> out = new TreeMap<>(extras.getMap());
    out.put("_name_or_path", name);
    out.put("architectures", new JsonArray(new ArrayList<>(architectures)));
    out.put("model_type", family.modelType());
    out.put("vocab_size", vocabSize);
    out.put("hidden_size", hiddenSize);
    out.put("intermediate_size", intermediateSize);
    out.put("num_hidden_layers", numLayers);
    out.put("num_attention_heads", numHeads);
    out.put("num_key_value_heads", numKvHeads);
    if (explicitHeadDim != null) {
      out.put("head_dim", explicitHeadDim);
    }
    out.put("rms_norm_eps", rmsNormEps);
    out.put("rope_theta", ropeTheta);
    out.put("rope_scaling", ropeScaling == null ? null : ropeScaling.toJson());
    out.put("max_position_embeddings", maxPositionEmbeddings);
    out.put("tie_word_embeddings", tieWordEmbeddings);
    out.put("torch_dtype", torchDtype);
    out.put("hidden_act", hiddenAct);
    if (family != ModelFamily.QWEN2) {
      out.put("attention_bias", attentionBias);
    }
    if (family == ModelFamily.LLAMA) {
      out.put("mlp_bias", mlpBias);
    }
    if (bosTokenId != null) {
      out.put("bos_token_id", bosTokenId);
    }
    if (eosTokenIds.size() == 1) {
      out.put("eos_token_id", eosTokenIds.get(0));
    } else if (!eosTokenIds.isEmpty()) {
      out.put("eos_token_id", new JsonArray(new ArrayList<>(eosTokenIds)));
    }
    return new JsonObject(new LinkedHashMap<>(out));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelProfile p
        && name.equals(p.name)
        && family == p.family
        && architectures.equals(p.architectures)
        && vocabSize == p.vocabSize
        && hiddenSize == p.hiddenSize
        && numLayers == p.numLayers
        && numHeads == p.numHeads
        && numKvHeads == p.numKvHeads
        && Objects.equals(explicitHeadDim, p.explicitHeadDim)
        && intermediateSize == p.intermediateSize
        && Double.compare(ropeTheta, p.ropeTheta) == 0
        && Objects.equals(ropeScaling, p.ropeScaling)
        && Double.compare(rmsNormEps, p.rmsNormEps) == 0
        && tieWordEmbeddings == p.tieWordEmbeddings
        && maxPositionEmbeddings == p.maxPositionEmbeddings
        && torchDtype.equals(p.torchDtype)
        && attentionBias == p.attentionBias
        && mlpBias == p.mlpBias
        && hiddenAct.equals(p.hiddenAct)
        && Objects.equals(bosTokenId, p.bosTokenId)
        && eosTokenIds.equals(p.eosTokenIds)
        && extras.equals(p.extras);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, family, vocabSize, hiddenSize, numLayers, numHeads, numKvHeads,
        explicitHeadDim, intermediateSize, tieWordEmbeddings);
  }

  @Override
  public String toString() {
    return name + " (" + family.modelType() + ": " + numLayers + " layers, hidden " + hiddenSize
        + ", heads " + numHeads + "/" + numKvHeads + " x " + headDim() + ", mlp "
        + intermediateSize + ", vocab " + vocabSize + (tieWordEmbeddings ? ", tied" : "") + ")";
  }

  private static ModelModule requireLinear(ModelModule module) {
    if (!module.isLayerLinear()) {
      throw new IllegalArgumentException(
          module.hfName() + " is not a linear projection; in/out features apply to "
              + ModelModule.layerLinears());
    }
    return module;
  }

  /**
   * Builds a {@link ModelProfile}. {@code set*} settings are required; {@code opt*} settings
   * default as Hugging Face's config classes do. {@link #build()} reports every problem at
   * once.
   */
  public static final class Builder {
    private String name;
    private ModelFamily family;
    private List<String> architectures;
    private int vocabSize;
    private int hiddenSize;
    private int numLayers;
    private int numHeads;
    private Integer numKvHeads;
    private Integer headDim;
    private int intermediateSize;
    private double ropeTheta = 10_000.0;
    private RopeScaling ropeScaling;
    private double rmsNormEps = 1e-6;
    private boolean tieWordEmbeddings;
    private int maxPositionEmbeddings;
    private String torchDtype = "bfloat16";
    private boolean attentionBias;
    private boolean mlpBias;
    private String hiddenAct = SILU;
    private Integer bosTokenId;
    private List<Integer> eosTokenIds;
    private JsonObject extras;

    private Builder() {}

    /** Sets the profile name. */
    public Builder setName(String name) {
      this.name = name;
      return this;
    }

    /** Sets the architecture family. */
    public Builder setFamily(ModelFamily family) {
      this.family = family;
      return this;
    }

    /** Sets {@code vocab_size}. */
    public Builder setVocabSize(int vocabSize) {
      this.vocabSize = vocabSize;
      return this;
    }

    /** Sets {@code hidden_size}. */
    public Builder setHiddenSize(int hiddenSize) {
      this.hiddenSize = hiddenSize;
      return this;
    }

    /** Sets {@code num_hidden_layers}. */
    public Builder setNumLayers(int numLayers) {
      this.numLayers = numLayers;
      return this;
    }

    /** Sets {@code num_attention_heads}. */
    public Builder setNumHeads(int numHeads) {
      this.numHeads = numHeads;
      return this;
    }

    /** Sets {@code intermediate_size}. */
    public Builder setIntermediateSize(int intermediateSize) {
      this.intermediateSize = intermediateSize;
      return this;
    }

    /** {@code architectures}; defaults to the family's causal-LM class. */
    public Builder optArchitectures(List<String> architectures) {
      this.architectures = architectures;
      return this;
    }

    /** {@code num_key_value_heads}; defaults to the number of heads (no GQA). */
    public Builder optNumKvHeads(Integer numKvHeads) {
      this.numKvHeads = numKvHeads;
      return this;
    }

    /** {@code head_dim}; null derives {@code hidden_size / num_attention_heads}. */
    public Builder optHeadDim(Integer headDim) {
      this.headDim = headDim;
      return this;
    }

    /** {@code rope_theta}; defaults to 10000. */
    public Builder optRopeTheta(double ropeTheta) {
      this.ropeTheta = ropeTheta;
      return this;
    }

    /** RoPE scaling; null for none (the default). */
    public Builder optRopeScaling(RopeScaling ropeScaling) {
      this.ropeScaling = ropeScaling;
      return this;
    }

    /** {@code rms_norm_eps}; defaults to 1e-6. */
    public Builder optRmsNormEps(double rmsNormEps) {
      this.rmsNormEps = rmsNormEps;
      return this;
    }

    /** {@code tie_word_embeddings}; defaults to false. */
    public Builder optTieWordEmbeddings(boolean tie) {
      this.tieWordEmbeddings = tie;
      return this;
    }

    /** Sets {@code max_position_embeddings}, the longest context the model was trained for. */
    public Builder setMaxPositionEmbeddings(int maxPositionEmbeddings) {
      this.maxPositionEmbeddings = maxPositionEmbeddings;
      return this;
    }

    /** {@code torch_dtype}: float32, bfloat16 (default) or float16. */
    public Builder optTorchDtype(String torchDtype) {
      this.torchDtype = torchDtype;
      return this;
    }

    /** {@code attention_bias}; defaults to false. */
    public Builder optAttentionBias(boolean attentionBias) {
      this.attentionBias = attentionBias;
      return this;
    }

    /** {@code mlp_bias} (Llama only); defaults to false. */
    public Builder optMlpBias(boolean mlpBias) {
      this.mlpBias = mlpBias;
      return this;
    }

    /** {@code hidden_act}; only {@value ModelProfile#SILU} is accepted. */
    public Builder optHiddenAct(String hiddenAct) {
      this.hiddenAct = hiddenAct;
      return this;
    }

    /** {@code bos_token_id}. */
    public Builder optBosTokenId(Integer bosTokenId) {
      this.bosTokenId = bosTokenId;
      return this;
    }

    /** {@code eos_token_id}, one id or several. */
    public Builder optEosTokenIds(List<Integer> eosTokenIds) {
      this.eosTokenIds = eosTokenIds;
      return this;
    }

    /** Config keys not modelled here, written back by {@link ModelProfile#toConfigJson()}. */
    public Builder optExtras(JsonObject extras) {
      this.extras = extras;
      return this;
    }

    /** What is wrong with the current settings, one line each; empty when valid. */
    public List<String> problems() {
      List<String> p = new ArrayList<>();
      if (name == null || name.isBlank()) {
        p.add("the profile name is missing");
      }
      if (family == null) {
        p.add("model_type (the family) is missing; supported: " + ModelFamily.supportedModelTypes());
      }
      positive(p, "vocab_size", vocabSize);
      positive(p, "hidden_size", hiddenSize);
      positive(p, "intermediate_size", intermediateSize);
      positive(p, "num_hidden_layers", numLayers);
      positive(p, "num_attention_heads", numHeads);
      if (numKvHeads != null) {
        positive(p, "num_key_value_heads", numKvHeads);
        if (numKvHeads > 0 && numHeads > 0 && numHeads % numKvHeads != 0) {
          p.add("num_key_value_heads (" + numKvHeads + ") must divide num_attention_heads ("
              + numHeads + ") for grouped-query attention");
        }
      }
      if (headDim != null) {
        positive(p, "head_dim", headDim);
        if (headDim > 0 && headDim % 2 != 0) {
          p.add("head_dim must be even for rotary embeddings, got " + headDim);
        }
      } else if (hiddenSize > 0 && numHeads > 0) {
        if (hiddenSize % numHeads != 0) {
          p.add("hidden_size (" + hiddenSize + ") is not divisible by num_attention_heads ("
              + numHeads + ") and head_dim is not given");
        } else if ((hiddenSize / numHeads) % 2 != 0) {
          p.add("head_dim (hidden_size / num_attention_heads = " + hiddenSize / numHeads
              + ") must be even for rotary embeddings");
        }
      }
      if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) {
        p.add("rope_theta must be a positive number, got " + ropeTheta);
      }
      if (!(rmsNormEps > 0) || rmsNormEps >= 1) {
        p.add("rms_norm_eps must be in (0, 1), got " + rmsNormEps);
      }
      positive(p, "max_position_embeddings", maxPositionEmbeddings);
      if (torchDtype == null || !TORCH_DTYPES.contains(torchDtype)) {
        p.add("torch_dtype must be one of " + new TreeSet<>(TORCH_DTYPES) + ", got "
            + (torchDtype == null ? "nothing" : "'" + torchDtype + "'"));
      }
      if (!SILU.equals(hiddenAct)) {
        p.add("hidden_act must be '" + SILU + "' (the SwiGLU MLP), got '" + hiddenAct + "'");
      }
      if (mlpBias && family != null && family != ModelFamily.LLAMA) {
        p.add("mlp_bias is a Llama setting; " + family.modelType() + " has no MLP biases");
      }
      if (architectures != null && family != null) {
        boolean known = architectures.stream().anyMatch(a -> ModelFamily.ofArchitecture(a).isPresent());
        if (!architectures.contains(family.causalLmArchitecture())) {
          p.add("architectures " + architectures + (known ? " contradicts" : " does not name")
              + " " + family.causalLmArchitecture() + " (model_type " + family.modelType() + ")");
        }
      }
      if (eosTokenIds != null) {
        for (Integer id : eosTokenIds) {
          if (id == null || id < 0) {
            p.add("eos_token_id entries must be non-negative integers, got " + eosTokenIds);
            break;
          }
        }
      }
      if (bosTokenId != null && bosTokenId < 0) {
        p.add("bos_token_id must be non-negative, got " + bosTokenId);
      }
      return p;
    }

    /**
     * Validates and builds.
     *
     * @throws ModelConfigException listing every problem, each naming its config key
     */
    public ModelProfile build() {
      List<String> p = problems();
      if (!p.isEmpty()) {
        throw new ModelConfigException(
            "invalid model profile" + (name == null || name.isBlank() ? "" : " '" + name + "'"), p);
      }
      return new ModelProfile(this);
    }

    private static void positive(List<String> p, String key, long value) {
      if (value <= 0) {
        p.add(key + " must be positive, got " + value);
      }
    }
  }
}
