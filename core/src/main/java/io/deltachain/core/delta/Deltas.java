package io.deltachain.core.delta;

import io.deltachain.core.tensor.FloatTensor;
import java.util.Arrays;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;

/** Applying deltas to base weights, in plain float arithmetic in index order (bit-identical everywhere). */
public final class Deltas {
  private Deltas() {}

  /** {@code base[i] += delta[i]}. */
  public static void applyInPlace(float[] base, float[] delta) {
    if (base.length != delta.length) {
      throw new IllegalArgumentException("delta has " + delta.length + " values, base has " + base.length);
    }
    for (int i = 0; i < base.length; i++) {
      base[i] += delta[i];
    }
  }

  /** {@code base + delta} as a new array; {@code base} is untouched. */
  public static float[] apply(float[] base, float[] delta) {
    float[] out = base.clone();
    applyInPlace(out, delta);
    return out;
  }

  /** {@code base[index] += value} for each kept entry. */
  public static void applyInPlace(float[] base, SparseVector delta) {
    if (base.length != delta.length()) {
      throw new IllegalArgumentException("sparse delta is over " + delta.length() + " values, base has " + base.length);
    }
    int[] ix = delta.indices();
    float[] v = delta.values();
    for (int i = 0; i < ix.length; i++) {
      base[ix[i]] += v[i];
    }
  }

  /**
   * The dense update of every weight a delta file touches, by weight name: dense tensors as
   * stored, LoRA pairs {@code <module>.lora_A.weight}/{@code lora_B.weight} merged into
   * {@code <module>.weight}, sparse tensors scattered into zeros.
   */
  public static SortedMap<String, FloatTensor> denseUpdates(DeltaFile delta) {
    TreeMap<String, FloatTensor> out = new TreeMap<>();
    DeltaMetadata m = delta.metadata();
    switch (m.kind()) {
      case DENSE -> out.putAll(delta.tensors());
      case LORA -> {
        for (String module : m.modules()) {
          FloatTensor a = delta.tensors().get(module + DeltaFile.LORA_A_SUFFIX);
          FloatTensor b = delta.tensors().get(module + DeltaFile.LORA_B_SUFFIX);
          out.put(module + ".weight", Lora.toDense(a, b, m.loraAlpha()));
        }
      }
      case SPARSE -> delta.sparseTensors().forEach((name, s) ->
          out.put(name, new FloatTensor(s.shape(), s.vector().toDense())));
      default -> throw new IllegalStateException("unreachable");
    }
    return out;
  }

  /**
   * Applies a delta file to base weights in place, weight by weight in name order.
   *
   * @throws NoSuchElementException if a weight the delta touches is not in {@code base}
   * @throws IllegalArgumentException if shapes differ
   */
  public static void applyInPlace(Map<String, FloatTensor> base, DeltaFile delta) {
    DeltaMetadata m = delta.metadata();
    if (m.kind() == DeltaKind.SPARSE) {
      delta.sparseTensors().forEach((name, s) -> {
        FloatTensor w = requireBase(base, name, s.shape());
        applyInPlace(w.data(), s.vector());
      });
      return;
    }
    denseUpdates(delta).forEach((name, d) -> {
      FloatTensor w = requireBase(base, name, d.shape());
      applyInPlace(w.data(), d.data());
    });
  }

  private static FloatTensor requireBase(Map<String, FloatTensor> base, String name, long[] shape) {
    FloatTensor w = base.get(name);
    if (w == null) {
      throw new NoSuchElementException("the delta updates '" + name + "', which the base weights do not have");
    }
    if (!w.hasShape(shape)) {
      throw new IllegalArgumentException("the delta for '" + name + "' has shape " + Arrays.toString(shape)
          + " but the base weight has " + Arrays.toString(w.shape()));
    }
    return w;
  }
}
