package io.deltachain.core.profile;

/**
 * A contiguous range of decoder layers, both ends inclusive ({@code 0-15} is 16 layers),
 * as a partition plan assigns them.
 *
 * @param first the first layer index (0-based)
 * @param last the last layer index, not below {@code first}
 */
public record LayerRange(int first, int last) {
  /** Validates the bounds. */
  public LayerRange {
    if (first < 0) {
      throw new IllegalArgumentException("layer range must start at layer 0 or later, got " + first);
    }
    if (last < first) {
      throw new IllegalArgumentException(
          "layer range must end at or after its start, got " + first + "-" + last);
    }
  }

  /** All layers of a profile. */
  public static LayerRange all(ModelProfile profile) {
    return new LayerRange(0, profile.numLayers() - 1);
  }

  /** Parses {@code "4-7"} or a single layer {@code "4"}. */
  public static LayerRange parse(String text) {
    String s = text == null ? "" : text.strip();
    try {
      int dash = s.indexOf('-');
      if (dash < 0) {
        int layer = Integer.parseInt(s);
        return new LayerRange(layer, layer);
      }
      return new LayerRange(
          Integer.parseInt(s.substring(0, dash).strip()), Integer.parseInt(s.substring(dash + 1).strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "layer range must look like '4-7' or '4', got '" + text + "'", e);
    }
  }

  /** Number of layers in the range. */
  public int count() {
    return last - first + 1;
  }

  /** Whether the range holds this layer. */
  public boolean contains(int layer) {
    return layer >= first && layer <= last;
  }

  /**
   * Checks the range fits a profile.
   *
   * @throws IllegalArgumentException naming the model's layer count when it does not
   */
  public LayerRange checkWithin(ModelProfile profile) {
    if (last >= profile.numLayers()) {
      throw new IllegalArgumentException(
          "layer range " + this + " exceeds " + profile.name() + ", which has "
              + profile.numLayers() + " layers (0-" + (profile.numLayers() - 1) + ")");
    }
    return this;
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
