package io.deltachain.core.profile;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes Hugging Face {@code config.json} files, and loads the profiles bundled with
 * deltachain by name.
 *
 * <p>Both RoPE forms are read: the older {@code rope_theta} + {@code rope_scaling} (with
 * {@code rope_type}, or legacy {@code type}) and transformers v5's {@code rope_parameters}
 * dict; {@code torch_dtype} or v5's {@code dtype}. Every problem in a file is reported at
 * once, each naming its key and the file.
 */
public final class ModelProfiles {
  private static final String RESOURCE_DIR = "/io/deltachain/core/profile/";
  private static final String INDEX = RESOURCE_DIR + "index.txt";

  /** Keys read into {@link ModelProfile} fields; every other key is kept as an extra. */
  private static final Set<String> MODELLED_KEYS =
      Set.of(
          "_name_or_path", "architectures", "model_type", "vocab_size", "hidden_size",
          "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
          "head_dim", "rms_norm_eps", "rope_theta", "rope_scaling", "rope_parameters",
          "max_position_embeddings", "tie_word_embeddings", "torch_dtype", "dtype", "hidden_act",
          "attention_bias", "mlp_bias", "bos_token_id", "eos_token_id");

  private ModelProfiles() {}

  /**
   * Reads a config.json file. The profile is named by {@code _name_or_path}, else by the
   * directory holding the file (Hugging Face snapshots are directories named after the model).
   *
   * @throws ModelConfigException naming the file and every bad or missing key
   * @throws UncheckedIOException when the file cannot be read
   */
  public static ModelProfile fromConfigJson(Path configJson) {
    String text;
    try {
      text = Files.readString(configJson, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ModelConfigException("config.json " + configJson, List.of("the file does not exist"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read config.json " + configJson, e);
    }
    Path dir = configJson.toAbsolutePath().getParent();
    String fallbackName =
        dir != null && dir.getFileName() != null ? dir.getFileName().toString() : "unnamed";
    return parse(text, "config.json " + configJson, fallbackName, null);
  }

  /**
   * Reads config.json text. The profile is named by {@code _name_or_path}, else "unnamed".
   *
   * @throws ModelConfigException naming every bad or missing key
   */
  public static ModelProfile fromConfigJson(String configJson) {
    return parse(configJson, "config.json text", "unnamed", null);
  }

  /**
   * Reads an already parsed config.json object.
   *
   * @param source what to call it in error messages (e.g. a file name)
   * @throws ModelConfigException naming {@code source} and every bad or missing key
   */
  public static ModelProfile fromConfigJson(JsonObject configJson, String source) {
    return fromJson(configJson, source, "unnamed", null);
  }

  /** Writes {@link ModelProfile#toConfigJson()} to a file, pretty-printed. */
  public static void writeConfigJson(ModelProfile profile, Path configJson) throws IOException {
    Files.writeString(configJson, profile.toConfigJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
  }

  /** The names of the bundled profiles, in the order the index lists them. */
  public static List<String> bundledNames() {
    try (InputStream in = ModelProfiles.class.getResourceAsStream(INDEX)) {
      if (in == null) {
        throw new IllegalStateException("bundled profile index " + INDEX + " is missing from the jar");
      }
      List<String> names = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String name = line.strip();
        if (!name.isEmpty() && !name.startsWith("#")) {
          names.add(name);
        }
      }
      return List.copyOf(names);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + INDEX, e);
    }
  }

  /**
   * A bundled profile by name (e.g. {@code llama-3.1-8b}, {@code tiny-1m}).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static ModelProfile bundled(String name) {
    List<String> names = bundledNames();
    if (name == null || !names.contains(name)) {
      throw new IllegalArgumentException(
          "no bundled model profile named '" + name + "'; known profiles: " + String.join(", ", names));
    }
    String resource = RESOURCE_DIR + name + "/config.json";
    try (InputStream in = ModelProfiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("bundled profile " + resource + " is listed but missing");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + resource, name, name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static ModelProfile parse(String text, String source, String fallbackName, String forcedName) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new ModelConfigException(source, List.of("not a JSON object: " + e.getMessage()));
    }
    return fromJson(json, source, fallbackName, forcedName);
  }

  private static ModelProfile fromJson(
      JsonObject json, String source, String fallbackName, String forcedName) {
    Reader r = new Reader(json);
    ModelProfile.Builder b = ModelProfile.builder();

    String nameOrPath = r.string("_name_or_path", false);
    b.setName(forcedName != null ? forcedName
        : nameOrPath != null && !nameOrPath.isBlank() ? nameOrPath : fallbackName);

    List<String> architectures = r.stringList("architectures");
    String modelType = r.string("model_type", false);
    ModelFamily family = null;
    if (modelType != null) {
      family = ModelFamily.ofModelType(modelType).orElse(null);
      if (family == null) {
        r.bad("model_type", "'" + modelType + "' is not supported; supported: "
            + ModelFamily.supportedModelTypes());
      }
    } else if (json.containsKey("model_type")) {
      // wrong type, already reported
    } else if (architectures != null) {
      family = architectures.stream()
          .map(ModelFamily::ofArchitecture)
          .flatMap(java.util.Optional::stream)
          .findFirst()
          .orElse(null);
      if (family == null) {
        r.bad("model_type", "is missing and architectures " + architectures
            + " names no supported causal-LM class");
      }
    } else {
      r.bad("model_type", "is missing (one of " + ModelFamily.supportedModelTypes() + ")");
    }
    b.setFamily(family);
    if (architectures != null) {
      b.optArchitectures(architectures);
    }

    Integer v;
    if ((v = r.integer("vocab_size", true)) != null) {
      b.setVocabSize(v);
    }
    if ((v = r.integer("hidden_size", true)) != null) {
      b.setHiddenSize(v);
    }
    if ((v = r.integer("intermediate_size", true)) != null) {
      b.setIntermediateSize(v);
    }
    if ((v = r.integer("num_hidden_layers", true)) != null) {
      b.setNumLayers(v);
    }
    if ((v = r.integer("num_attention_heads", true)) != null) {
      b.setNumHeads(v);
    }
    if ((v = r.integer("max_position_embeddings", true)) != null) {
      b.setMaxPositionEmbeddings(v);
    }
    b.optNumKvHeads(r.integer("num_key_value_heads", false));
    Integer headDim = r.integer("head_dim", false);
    if (headDim == null && family == ModelFamily.QWEN3 && !json.containsKey("head_dim")) {
      // Qwen3 configs always state it and it need not equal hidden/heads (Qwen3-32B: 128, not 80)
      r.bad("head_dim", "is missing; qwen3 configs must state it (it need not equal"
          + " hidden_size / num_attention_heads)");
    }
    b.optHeadDim(headDim);

    Double eps = r.number("rms_norm_eps", false);
    if (eps != null) {
      b.optRmsNormEps(eps);
    }
    readRope(r, json, b);

    Boolean flag;
    if ((flag = r.bool("tie_word_embeddings")) != null) {
      b.optTieWordEmbeddings(flag);
    }
    if (family != ModelFamily.QWEN2 && (flag = r.bool("attention_bias")) != null) {
      b.optAttentionBias(flag);
    }
    if (family == ModelFamily.LLAMA && (flag = r.bool("mlp_bias")) != null) {
      b.optMlpBias(flag);
    }
    if (Boolean.TRUE.equals(json.getValue("use_sliding_window"))) {
      r.bad("use_sliding_window", "is true; deltachain models use full causal attention");
    }
    String dtype = r.string("torch_dtype", false);
    if (dtype == null) {
      dtype = r.string("dtype", false);
    }
    if (dtype != null) {
      b.optTorchDtype(dtype);
    }
    String act = r.string("hidden_act", false);
    if (act != null) {
      b.optHiddenAct(act);
    }
    b.optBosTokenId(r.integer("bos_token_id", false));
    b.optEosTokenIds(r.integerOrList("eos_token_id"));

    JsonObject extras = new JsonObject();
    for (String key : json.fieldNames()) {
      if (!MODELLED_KEYS.contains(key)) {
        extras.put(key, json.getValue(key));
      }
    }
    // Keys a family does not model stay verbatim so the file round-trips.
    if (family == ModelFamily.QWEN2 && json.containsKey("attention_bias")) {
      extras.put("attention_bias", json.getValue("attention_bias"));
    }
    if (family != null && family != ModelFamily.LLAMA && json.containsKey("mlp_bias")) {
      extras.put("mlp_bias", json.getValue("mlp_bias"));
    }
    b.optExtras(extras);

    List<String> problems = new ArrayList<>(r.problems);
    if (problems.isEmpty()) {
      problems.addAll(b.problems());
    } else {
      // Report the builder's findings too, minus those about keys already reported as
      // missing or mistyped (the builder sees those as zero or absent).
      for (String p : b.problems()) {
        if (r.badKeys.stream().noneMatch(p::contains)) {
          problems.add(p);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ModelConfigException(source, problems);
    }
    return b.build();
  }

  private static void readRope(Reader r, JsonObject json, ModelProfile.Builder b) {
    Double theta = r.number("rope_theta", false);
    JsonObject scaling = null;
    String scalingKey = "rope_scaling";
    if (json.containsKey("rope_parameters") && json.getValue("rope_parameters") != null) {
      JsonObject params = r.object("rope_parameters");
      if (params != null) {
        scalingKey = "rope_parameters";
        Object t = params.getValue("rope_theta");
        if (t != null) {
          if (t instanceof Number n && !(t instanceof BigInteger) && !(t instanceof BigDecimal)) {
            theta = n.doubleValue();
          } else {
            r.problems.add("rope_parameters.rope_theta must be a number, got " + describe(t));
          }
        }
        scaling = params;
      }
    } else if (json.getValue("rope_scaling") != null) {
      scaling = r.object("rope_scaling");
    }
    if (theta != null) {
      b.optRopeTheta(theta);
    }
    if (scaling == null) {
      return;
    }
    Object typeValue = scaling.containsKey("rope_type") ? scaling.getValue("rope_type") : scaling.getValue("type");
    if (!(typeValue instanceof String typeName)) {
      r.problems.add(scalingKey + ".rope_type must be a string (one of default, "
          + RopeScaling.Type.hfNames() + "), got " + describe(typeValue));
      return;
    }
    if (typeName.equals("default")) {
      return;
    }
    RopeScaling.Type type = RopeScaling.Type.ofHfName(typeName).orElse(null);
    if (type == null) {
      r.problems.add(scalingKey + ".rope_type '" + typeName + "' is not supported; supported: default, "
          + RopeScaling.Type.hfNames());
      return;
    }
    Reader sr = new Reader(scaling, scalingKey + ".");
    Double factor = sr.number("factor", true);
    Double low = sr.number("low_freq_factor", false);
    Double high = sr.number("high_freq_factor", false);
    Integer originalMax = sr.integer("original_max_position_embeddings", false);
    r.problems.addAll(sr.problems);
    if (!sr.problems.isEmpty()) {
      return;
    }
    List<String> problems = RopeScaling.problems(type, factor, low, high, originalMax);
    if (!problems.isEmpty()) {
      for (String p : problems) {
        r.problems.add(scalingKey + ": " + p);
      }
      return;
    }
    JsonObject other = new JsonObject();
    for (String key : scaling.fieldNames()) {
      if (!Set.of("rope_type", "type", "rope_theta", "factor", "low_freq_factor",
          "high_freq_factor", "original_max_position_embeddings").contains(key)) {
        other.put(key, scaling.getValue(key));
      }
    }
    b.optRopeScaling(new RopeScaling(type, factor, low, high, originalMax, other));
  }

  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return "string \"" + (s.length() > 40 ? s.substring(0, 37) + "..." : s) + "\"";
    }
    if (value instanceof Boolean) {
      return "boolean " + value;
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    return "number " + value;
  }

  /** Typed reads from a JSON object, collecting problems instead of throwing. */
  private static final class Reader {
    final JsonObject json;
    final String prefix;
    final List<String> problems = new ArrayList<>();
    final List<String> badKeys = new ArrayList<>();

    Reader(JsonObject json) {
      this(json, "");
    }

    Reader(JsonObject json, String prefix) {
      this.json = json;
      this.prefix = prefix;
    }

    void bad(String key, String problem) {
      badKeys.add(key);
      problems.add(prefix + key + " " + problem);
    }

    private Object present(String key, boolean required, String what) {
      Object value = json.getValue(key);
      if (value == null && required) {
        bad(key, json.containsKey(key) ? "is null (required " + what + ")" : "is missing (required " + what + ")");
      }
      return value;
    }

    Integer integer(String key, boolean required) {
      Object value = present(key, required, "integer");
      if (value == null) {
        return null;
      }
      if (value instanceof Integer i) {
        return i;
      }
      if (value instanceof Long || value instanceof BigInteger) {
        bad(key, "is out of range for an integer: " + value);
        return null;
      }
      bad(key, "must be an integer, got " + describe(value));
      return null;
    }

    Double number(String key, boolean required) {
      Object value = present(key, required, "number");
      if (value == null) {
        return null;
      }
      if (value instanceof Number n) {
        double d = n.doubleValue();
        if (Double.isFinite(d)) {
          return d;
        }
      }
      bad(key, "must be a number, got " + describe(value));
      return null;
    }

    Boolean bool(String key) {
      Object value = json.getValue(key);
      if (value == null || value instanceof Boolean) {
        return (Boolean) value;
      }
      bad(key, "must be true or false, got " + describe(value));
      return null;
    }

    String string(String key, boolean required) {
      Object value = present(key, required, "string");
      if (value == null || value instanceof String) {
        return (String) value;
      }
      bad(key, "must be a string, got " + describe(value));
      return null;
    }

    JsonObject object(String key) {
      Object value = json.getValue(key);
      if (value == null || value instanceof JsonObject) {
        return (JsonObject) value;
      }
      bad(key, "must be an object or null, got " + describe(value));
      return null;
    }

    List<String> stringList(String key) {
      Object value = json.getValue(key);
      if (value == null) {
        return null;
      }
      if (value instanceof JsonArray array) {
        List<String> out = new ArrayList<>();
        for (Object o : array) {
          if (!(o instanceof String s)) {
            bad(key, "must be a list of strings, got an entry " + describe(o));
            return null;
          }
          out.add(s);
        }
        return out;
      }
      bad(key, "must be a list of strings, got " + describe(value));
      return null;
    }

    List<Integer> integerOrList(String key) {
      Object value = json.getValue(key);
      if (value == null) {
        return null;
      }
      if (value instanceof Integer i) {
        return List.of(i);
      }
      if (value instanceof JsonArray array) {
        List<Integer> out = new ArrayList<>();
        for (Object o : array) {
          if (!(o instanceof Integer i)) {
            bad(key, "must be an integer or a list of integers, got an entry " + describe(o));
            return null;
          }
          out.add(i);
        }
        return out;
      }
      bad(key, "must be an integer or a list of integers, got " + describe(value));
      return null;
    }
  }
}
