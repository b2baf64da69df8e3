package io.deltachain.validator.verdict;

import java.util.SortedMap;

/**
 * The dense tensor names and shapes of a model layer, from the model profile, so the structure
 * check can tell which shapes a delta must have. LoRA shapes follow from it: for a weight of
 * shape [out, in] and rank r, {@code lora_A} is [r, in] and {@code lora_B} is [out, r].
 */
@FunctionalInterface
public interface LayerLayout {
  /** Full tensor name to shape [out, in] (or a vector's [n]) for every weight of the layer. */
  SortedMap<String, int[]> shapes(String layer);

  /** The module short name of a tensor: the path component before {@code .weight}/{@code .bias}. */
  static String moduleOf(String tensorName) {
    String[] parts = tensorName.split("\\.");
    if (parts.length >= 2 && (parts[parts.length - 1].equals("weight") || parts[parts.length - 1].equals("bias"))) {
      return parts[parts.length - 2];
    }
    return parts[parts.length - 1];
  }

  /** The layer index in a module path such as {@code model.layers.15}, or -1 if there is none. */
  static int layerIndex(String layer) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|\\.)layers\\.(\\d+)$").matcher(layer);
    if (!m.find()) {
      return -1;
    }
    try {
      return Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
