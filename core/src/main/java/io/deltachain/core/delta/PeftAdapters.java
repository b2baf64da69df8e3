package io.deltachain.core.delta;

import io.deltachain.core.tensor.DType;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.core.tensor.SafeTensorsFormatException;
import io.deltachain.core.tensor.SafeTensorsReader;
import io.deltachain.core.tensor.SafeTensorsWriter;
import io.deltachain.core.tensor.TensorInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Export to and import from Hugging Face PEFT LoRA adapters: a directory holding
 * {@code adapter_config.json} and {@code adapter_model.safetensors}, with tensors named
 * {@code base_model.model.<module path>.lora_A.weight [r, in]} and {@code ...lora_B.weight [out, r]}
 * and metadata {@code {"format":"pt"}}, loadable with {@code PeftModel.from_pretrained}.
 *
 * <p>Import accepts what this scaling model can represent ({@code scaling = lora_alpha / r}) and
 * refuses, with a message naming the setting or key, adapters that need more: rsLoRA, DoRA,
 * per-module rank or alpha patterns, {@code fan_in_fan_out}, bias or embedding LoRA tensors,
 * {@code modules_to_save}.
 */
public final class PeftAdapters {
  /** The adapter configuration file. */
  public static final String CONFIG_FILE = "adapter_config.json";
  /** The adapter weights file. */
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";
  /** Prefix PEFT puts before module paths in saved adapters. */
  public static final String KEY_PREFIX = "base_model.model.";
  private static final Pattern KEY = Pattern.compile("^base_model\\.model\\.(.+)\\.lora_([AB])\\.weight$");

  private PeftAdapters() {}

  /** Exports a LoRA delta file (decoded to F32) as a PEFT adapter. */
  public static void export(DeltaFile delta, String baseModelNameOrPath, Path dir) throws IOException {
    export(LoraAdapter.fromDeltaFile(delta, baseModelNameOrPath), dir, DType.F32);
  }

  /**
   * Writes {@code adapter_model.safetensors} (tensors stored as {@code dtype}: F32, F16 or BF16)
   * and then {@code adapter_config.json}, each atomically.
   */
  public static void export(LoraAdapter adapter, Path dir, DType dtype) throws IOException {
    if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
      throw new IllegalArgumentException("PEFT adapters are exported as F32, F16 or BF16, not " + dtype);
    }
    SafeTensorsWriter w = new SafeTensorsWriter().putMetadata("format", "pt");
    for (String module : adapter.modules()) {
      Map.Entry<FloatTensor, FloatTensor> ab = adapter.factors(module);
      if (ab == null) {
        throw new IllegalArgumentException("module '" + module + "' lacks its lora_B factor");
      }
      checkFactors(module, ab.getKey(), ab.getValue(), adapter.rank());
      w.addFloats(KEY_PREFIX + module + DeltaFile.LORA_A_SUFFIX, dtype, ab.getKey().shape(), ab.getKey().data());
      w.addFloats(KEY_PREFIX + module + DeltaFile.LORA_B_SUFFIX, dtype, ab.getValue().shape(), ab.getValue().data());
    }
    if (w.size() != adapter.tensors().size()) {
      throw new IllegalArgumentException("the adapter holds tensors that are not lora_A/lora_B pairs: " + adapter.tensors().keySet());
    }
    Files.createDirectories(dir);
    w.write(dir.resolve(WEIGHTS_FILE));
    byte[] config = (configJson(adapter).encodePrettily() + "\n").getBytes(StandardCharsets.UTF_8);
    SafeTensorsWriter.writeAtomically(dir.resolve(CONFIG_FILE), config);
  }

  private static void checkFactors(String module, FloatTensor a, FloatTensor b, int r) {
    if (a.rank() != 2 || a.dim(0) != r || b.rank() != 2 || b.dim(1) != r) {
      throw new IllegalArgumentException("module '" + module + "': lora_A " + Arrays.toString(a.shape()) + " and lora_B "
          + Arrays.toString(b.shape()) + " are not [r, in] and [out, r] with r = " + r);
    }
  }

  /** The {@code adapter_config.json} content, keys sorted as PEFT writes them. */
  static JsonObject configJson(LoraAdapter adapter) {
    TreeMap<String, Object> c = new TreeMap<>();
    c.put("alpha_pattern", new JsonObject());
    c.put("base_model_name_or_path", adapter.baseModelNameOrPath());
    c.put("bias", "none");
    c.put("fan_in_fan_out", false);
    c.put("inference_mode", true);
    c.put("init_lora_weights", true);
    c.put("layers_pattern", null);
    c.put("layers_to_transform", null);
    float alpha = adapter.alpha();
    c.put("lora_alpha", alpha == Math.rint(alpha) && Math.abs(alpha) < 1e9f ? (Object) (int) alpha : (Object) (double) alpha);
    c.put("lora_dropout", 0.0);
    c.put("modules_to_save", null);
    c.put("peft_type", "LORA");
    c.put("r", adapter.rank());
    c.put("rank_pattern", new JsonObject());
    c.put("revision", null);
    c.put("target_modules", new JsonArray(new ArrayList<>(adapter.targetModules())));
    c.put("task_type", "CAUSAL_LM");
    c.put("use_dora", false);
    c.put("use_rslora", false);
    JsonObject o = new JsonObject();
    c.forEach(o::put);
    return o;
  }

  /**
   * Reads a PEFT LoRA adapter directory.
   *
   * @throws SafeTensorsFormatException naming the file and the unsupported setting, bad key or shape
   */
  public static LoraAdapter importAdapter(Path dir) throws IOException {
    Path configFile = dir.resolve(CONFIG_FILE);
    Path weightsFile = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(configFile)) {
      throw new java.io.FileNotFoundException(dir + ": no " + CONFIG_FILE);
    }
    if (!Files.isRegularFile(weightsFile)) {
      String hint = Files.exists(dir.resolve("adapter_model.bin")) ? " (only adapter_model.bin, a pickle, which is not read)" : "";
      throw new java.io.FileNotFoundException(dir + ": no " + WEIGHTS_FILE + hint);
    }
    JsonObject config;
    try {
      config = new JsonObject(Files.readString(configFile, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new SafeTensorsFormatException(configFile, "not a JSON object: " + e.getMessage(), e);
    }
    Object peftType = config.getValue("peft_type");
    if (!"LORA".equals(peftType)) {
      throw new SafeTensorsFormatException(configFile, "peft_type is " + peftType + ", only LORA adapters are supported");
    }
    int r = intSetting(configFile, config, "r", 8);
    float alpha = floatSetting(configFile, config, "lora_alpha", 8f);
    if (r <= 0 || !(alpha > 0) || Float.isInfinite(alpha)) {
      throw new SafeTensorsFormatException(configFile, "r = " + r + " and lora_alpha = " + alpha + " must be positive");
    }
    refuseIf(configFile, config, "use_rslora", true, "rsLoRA scaling (alpha/sqrt(r))");
    refuseIf(configFile, config, "use_dora", true, "DoRA");
    refuseIf(configFile, config, "fan_in_fan_out", true, "fan_in_fan_out (Conv1D) weights");
    for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
      Object p = config.getValue(pattern);
      if (p instanceof JsonObject po && !po.isEmpty()) {
        throw new SafeTensorsFormatException(configFile, pattern + " is not supported (one rank and alpha for all modules)");
      }
    }
    Object targets = config.getValue("target_modules");
    TreeSet<String> targetList = null;
    Pattern targetRegex = null;
    if (targets instanceof JsonArray arr) {
      targetList = new TreeSet<>();
      for (Object t : arr) {
        if (!(t instanceof String s)) {
          throw new SafeTensorsFormatException(configFile, "target_modules holds a non-string " + t);
        }
        targetList.add(s);
      }
    } else if (targets instanceof String s && !s.equals("all-linear")) {
      try {
        targetRegex = Pattern.compile(s);
      } catch (PatternSyntaxException e) {
        throw new SafeTensorsFormatException(configFile, "target_modules '" + s + "' is not a valid regular expression", e);
      }
    }
    String base = config.getValue("base_model_name_or_path") instanceof String s ? s : null;

    TreeMap<String, FloatTensor> tensors = new TreeMap<>();
    TreeSet<String> shortNames = new TreeSet<>();
    try (SafeTensorsReader reader = SafeTensorsReader.open(weightsFile)) {
      for (TensorInfo t : reader.tensors()) {
        Matcher m = KEY.matcher(t.name());
        if (!m.matches()) {
          throw new SafeTensorsFormatException(weightsFile, "unexpected key '" + t.name()
              + "': expected base_model.model.<module>.lora_A.weight or .lora_B.weight");
        }
        String module = m.group(1);
        boolean isA = m.group(2).equals("A");
        if (!t.dtype().isFloatingPoint()) {
          throw new SafeTensorsFormatException(weightsFile, "'" + t.name() + "' is " + t.dtype() + ", not a float type");
        }
        if (t.rank() != 2 || (isA ? t.dim(0) : t.dim(1)) != r) {
          throw new SafeTensorsFormatException(weightsFile, "'" + t.name() + "' has shape " + Arrays.toString(t.shape())
              + ", expected " + (isA ? "[" + r + ", in]" : "[out, " + r + "]") + " for r = " + r);
        }
        if (targetList != null && !matchesAny(module, targetList)) {
          throw new SafeTensorsFormatException(weightsFile, "module '" + module + "' is not among target_modules " + targetList);
        }
        if (targetRegex != null && !targetRegex.matcher(module).matches()) {
          throw new SafeTensorsFormatException(weightsFile, "module '" + module + "' does not match target_modules '"
              + targetRegex.pattern() + "'");
        }
        tensors.put(module + (isA ? DeltaFile.LORA_A_SUFFIX : DeltaFile.LORA_B_SUFFIX),
            new FloatTensor(t.shape(), reader.readFloats(t.name())));
        shortNames.add(module.substring(module.lastIndexOf('.') + 1));
      }
    }
    if (tensors.isEmpty()) {
      throw new SafeTensorsFormatException(weightsFile, "holds no LoRA tensors");
    }
    for (String name : tensors.keySet()) {
      String module = name.substring(0, name.lastIndexOf(".lora_"));
      FloatTensor a = tensors.get(module + DeltaFile.LORA_A_SUFFIX);
      FloatTensor b = tensors.get(module + DeltaFile.LORA_B_SUFFIX);
      if (a == null || b == null) {
        throw new SafeTensorsFormatException(weightsFile, "module '" + module + "' has only its lora_"
            + (a == null ? "B" : "A") + " factor");
      }
    }
    return new LoraAdapter(base, r, alpha, targetList != null ? targetList : shortNames, tensors);
  }

  private static boolean matchesAny(String module, TreeSet<String> targets) {
    for (String t : targets) {
      if (module.equals(t) || module.endsWith("." + t)) {
        return true;
      }
    }
    return false;
  }

  private static int intSetting(Path file, JsonObject c, String key, int dflt) throws SafeTensorsFormatException {
    Object v = c.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Integer i)) {
      throw new SafeTensorsFormatException(file, key + " is " + v + ", not an integer");
    }
    return i;
  }

  private static float floatSetting(Path file, JsonObject c, String key, float dflt) throws SafeTensorsFormatException {
    Object v = c.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw new SafeTensorsFormatException(file, key + " is " + v + ", not a number");
    }
    return n.floatValue();
  }

  private static void refuseIf(Path file, JsonObject c, String key, Object bad, String what) throws SafeTensorsFormatException {
    if (bad.equals(c.getValue(key))) {
      throw new SafeTensorsFormatException(file, key + " = " + bad + ": " + what + " is not supported");
    }
  }
}
