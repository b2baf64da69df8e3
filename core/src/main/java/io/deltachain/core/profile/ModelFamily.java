package io.deltachain.core.profile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The decoder architectures deltachain understands. They share the Llama layout (RMSNorm,
 * rotate-half RoPE, grouped-query attention, SwiGLU MLP) and differ in a few switches.
 */
public enum ModelFamily {
  /** Llama 2/3/3.1: {@code attention_bias} and {@code mlp_bias} switch biases on. */
  LLAMA("llama", "LlamaForCausalLM", false, false),
  /**
   * Qwen2 and Qwen2.5, tolerated for reading: like Llama, but q/k/v projections always carry
   * a bias (Hugging Face hard-codes it; the config has no key for it) and o_proj never does.
   */
  QWEN2("qwen2", "Qwen2ForCausalLM", false, true),
  /** Qwen3 (dense): adds per-head RMSNorm on queries and keys (q_norm, k_norm) before RoPE. */
  QWEN3("qwen3", "Qwen3ForCausalLM", true, false);

  private final String modelType;
  private final String causalLmArchitecture;
  private final boolean qkNorm;
  private final boolean qkvBiasAlways;

  ModelFamily(String modelType, String causalLmArchitecture, boolean qkNorm, boolean qkvBiasAlways) {
    this.modelType = modelType;
    this.causalLmArchitecture = causalLmArchitecture;
    this.qkNorm = qkNorm;
    this.qkvBiasAlways = qkvBiasAlways;
  }

  /** The {@code model_type} value in a Hugging Face config.json. */
  public String modelType() {
    return modelType;
  }

  /** The {@code architectures} entry of the causal-LM class, e.g. {@code LlamaForCausalLM}. */
  public String causalLmArchitecture() {
    return causalLmArchitecture;
  }

  /** Whether each layer normalizes queries and keys per head (q_norm / k_norm). */
  public boolean hasQkNorm() {
    return qkNorm;
  }

  /** Whether q/k/v projections carry a bias regardless of {@code attention_bias}. */
  public boolean qkvBiasAlways() {
    return qkvBiasAlways;
  }

  /** The family with this {@code model_type}, if any. */
  public static Optional<ModelFamily> ofModelType(String modelType) {
    if (modelType == null) {
      return Optional.empty();
    }
    String wanted = modelType.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.modelType.equals(wanted)).findFirst();
  }

  /** The family whose causal-LM class is this architecture name, if any. */
  public static Optional<ModelFamily> ofArchitecture(String architecture) {
    return Arrays.stream(values())
        .filter(f -> f.causalLmArchitecture.equals(architecture))
        .findFirst();
  }

  /** The supported {@code model_type} values, for error messages. */
  public static String supportedModelTypes() {
    return Arrays.stream(values()).map(ModelFamily::modelType).collect(Collectors.joining(", "));
  }
}
