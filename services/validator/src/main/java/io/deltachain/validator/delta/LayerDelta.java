package io.deltachain.validator.delta;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The dense delta W of one layer: full tensor names (Hugging Face module paths, e.g.
 * {@code model.layers.3.self_attn.q_proj.weight}) to dense tensors. Iteration is always in
 * sorted name order, which fixes the order of every reduction over a layer (norms, cosines,
 * Krum distances) and so makes them identical on every validator.
 */
public final class LayerDelta {
  private final String layer;
  private final SortedMap<String, DenseTensor> tensors;

  /**
   * @param layer the layer's module path, e.g. {@code model.layers.3}
   * @param tensors tensor name to dense delta; at least one
   */
  public LayerDelta(String layer, Map<String, DenseTensor> tensors) {
    if (layer == null || layer.isBlank()) {
      throw new IllegalArgumentException("a layer delta needs a layer name");
    }
    if (tensors == null || tensors.isEmpty()) {
      throw new IllegalArgumentException("layer delta for " + layer + " has no tensors");
    }
    this.layer = layer;
    this.tensors = Collections.unmodifiableSortedMap(new TreeMap<>(tensors));
  }

  /** The layer's module path. */
  public String layer() {
    return layer;
  }

  /** Tensors in sorted name order. */
  public SortedMap<String, DenseTensor> tensors() {
    return tensors;
  }

  /** The tensor of that name, or an exception naming what is missing. */
  public DenseTensor tensor(String name) {
    DenseTensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("layer delta " + layer + " has no tensor " + name + "; it has " + tensors.keySet());
    }
    return t;
  }

  /** Value arrays in sorted name order: the segments of this delta's flattened vector. */
  public float[][] segments() {
    List<float[]> out = new ArrayList<>(tensors.size());
    for (DenseTensor t : tensors.values()) {
      out.add(t.values());
    }
    return out.toArray(new float[0][]);
  }

  /** Total number of values over all tensors. */
  public long numel() {
    long n = 0;
    for (DenseTensor t : tensors.values()) {
      n += t.numel();
    }
    return n;
  }

  /** Squared Euclidean norm over all tensors in sorted order, accumulated in double. */
  public double squaredNorm() {
    double sum = 0.0;
    for (DenseTensor t : tensors.values()) {
      for (float v : t.values()) {
        sum += (double) v * v;
      }
    }
    return sum;
  }

  /** A copy with every value multiplied by {@code factor} (rounded to float once). */
  public LayerDelta scaled(float factor) {
    Map<String, DenseTensor> out = new TreeMap<>();
    for (Map.Entry<String, DenseTensor> e : tensors.entrySet()) {
      float[] src = e.getValue().values();
      float[] dst = new float[src.length];
      for (int i = 0; i < src.length; i++) {
        dst[i] = src[i] * factor;
      }
      out.put(e.getKey(), new DenseTensor(e.getValue().shape(), dst));
    }
    return new LayerDelta(layer, out);
  }

  @Override
  public String toString() {
    return "LayerDelta[" + layer + ", " + tensors.keySet() + "]";
  }
}
