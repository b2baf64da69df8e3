package io.deltachain.core.profile;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * RoPE scaling as a Hugging Face config states it, either in the older {@code rope_scaling}
 * dict or inside the newer {@code rope_parameters} dict. Only the parameters the type needs
 * are required; parameters this class does not model (yarn's {@code beta_fast}, ...) are kept
 * in {@link #otherParameters()} so a config round-trips unchanged.
 *
 * @param type the {@code rope_type} (older files: {@code type})
 * @param factor the context-extension factor (all types)
 * @param lowFreqFactor llama3 only: {@code low_freq_factor}, else null
 * @param highFreqFactor llama3 only: {@code high_freq_factor}, else null
 * @param originalMaxPositionEmbeddings the pre-extension context length (llama3, yarn), else null
 * @param otherParameters keys of the dict not listed above (a copy is kept)
 */
public record RopeScaling(
    Type type,
    double factor,
    Double lowFreqFactor,
    Double highFreqFactor,
    Integer originalMaxPositionEmbeddings,
    JsonObject otherParameters) {

  /** The scaling types deltachain reads. Frequencies are computed for LINEAR and LLAMA3. */
  public enum Type {
    /** Position interpolation: every inverse frequency divided by the factor. */
    LINEAR("linear"),
    /** Dynamic NTK: changes only beyond the trained length, at inference time. */
    DYNAMIC("dynamic"),
    /** Llama 3.1: low frequencies divided by the factor, high ones kept, a smooth band between. */
    LLAMA3("llama3"),
    /** YaRN. */
    YARN("yarn");

    private final String hfName;

    Type(String hfName) {
      this.hfName = hfName;
    }

    /** The {@code rope_type} string. */
    public String hfName() {
      return hfName;
    }

    /** The type with this {@code rope_type} string. */
    public static Optional<Type> ofHfName(String name) {
      String wanted = name == null ? "" : name.toLowerCase(Locale.ROOT);
      return Arrays.stream(values()).filter(t -> t.hfName.equals(wanted)).findFirst();
    }

    /** Supported names, for error messages. */
    public static String hfNames() {
      return Arrays.stream(values()).map(Type::hfName).collect(Collectors.joining(", "));
    }
  }

  /** Validates and copies {@code otherParameters}. */
  public RopeScaling {
    List<String> problems =
        problems(type, factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings);
    if (!problems.isEmpty()) {
      throw new ModelConfigException("invalid rope scaling", problems);
    }
    otherParameters = otherParameters == null ? new JsonObject() : otherParameters.copy();
  }

  /** Llama 3.1 scaling. */
  public static RopeScaling llama3(
      double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {
    return new RopeScaling(
        Type.LLAMA3, factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings, null);
  }

  /** Linear position interpolation. */
  public static RopeScaling linear(double factor) {
    return new RopeScaling(Type.LINEAR, factor, null, null, null, null);
  }

  /** A copy of the parameters not modelled as fields. */
  @Override
  public JsonObject otherParameters() {
    return otherParameters.copy();
  }

  /**
   * What is wrong with these values, one line each naming the Hugging Face key; empty when
   * they are valid.
   */
  static List<String> problems(
      Type type, double factor, Double low, Double high, Integer originalMax) {
    List<String> problems = new ArrayList<>();
    if (type == null) {
      problems.add("rope_type is missing; supported: " + Type.hfNames());
      return problems;
    }
    if (!(factor > 0) || Double.isInfinite(factor)) {
      problems.add("rope factor must be a positive number, got " + factor);
    }
    if (type == Type.LLAMA3) {
      if (low == null) {
        problems.add("low_freq_factor is required for rope_type llama3");
      } else if (!(low > 0) || low.isInfinite()) {
        problems.add("low_freq_factor must be a positive number, got " + low);
      }
      if (high == null) {
        problems.add("high_freq_factor is required for rope_type llama3");
      } else if (!(high > 0) || high.isInfinite()) {
        problems.add("high_freq_factor must be a positive number, got " + high);
      }
      if (low != null && high != null && !(high > low)) {
        problems.add(
            "high_freq_factor (" + high + ") must exceed low_freq_factor (" + low
                + ") for rope_type llama3");
      }
      if (originalMax == null) {
        problems.add("original_max_position_embeddings is required for rope_type llama3");
      }
    }
    if (originalMax != null && originalMax <= 0) {
      problems.add("original_max_position_embeddings must be positive, got " + originalMax);
    }
    return problems;
  }

  /** The dict as Hugging Face writes it under {@code rope_scaling} (with {@code rope_type}). */
  public JsonObject toJson() {
    JsonObject json = otherParameters.copy();
    json.put("rope_type", type.hfName());
    json.put("factor", factor);
    if (lowFreqFactor != null) {
      json.put("low_freq_factor", lowFreqFactor);
    }
    if (highFreqFactor != null) {
      json.put("high_freq_factor", highFreqFactor);
    }
    if (originalMaxPositionEmbeddings != null) {
      json.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
    }
    return json;
  }
}
