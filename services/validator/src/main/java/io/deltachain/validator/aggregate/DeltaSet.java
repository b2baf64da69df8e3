package io.deltachain.validator.aggregate;

import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The n aligned dense deltas of one layer that enter an aggregation, each with its weight
 * (verified tokens). Every delta has the same tensor names (in sorted order) and shapes; all
 * values are finite (a validator never aggregates a delta that failed its numeric checks, and
 * this class refuses one anyway, because a NaN would poison every robust statistic).
 *
 * <p>Index i of the set is the delta's position in the caller's list. Callers pass deltas in a
 * canonical order (the order of their SubmitDelta transactions on chain), since Krum breaks
 * ties by index.
 */
public final class DeltaSet {
  private final List<String> names;
  private final int[][] shapes;
  private final float[][][] values;
  private final long[] weights;

  private DeltaSet(List<String> names, int[][] shapes, float[][][] values, long[] weights) {
    this.names = names;
    this.shapes = shapes;
    this.values = values;
    this.weights = weights;
  }

  /**
   * Builds a set from layer deltas and their verified token counts.
   *
   * @throws IllegalArgumentException naming the first delta and tensor that does not line up,
   *     a non-positive weight, or a non-finite value
   */
  public static DeltaSet of(List<LayerDelta> deltas, long[] verifiedTokens) {
    if (deltas == null || deltas.isEmpty()) {
      throw new IllegalArgumentException("nothing to aggregate: no deltas");
    }
    LayerDelta first = deltas.get(0);
    List<String> names = new ArrayList<>(first.tensors().keySet());
    int[][] shapes = new int[names.size()][];
    for (int s = 0; s < names.size(); s++) {
      shapes[s] = first.tensor(names.get(s)).shape();
    }
    float[][][] values = new float[deltas.size()][][];
    for (int i = 0; i < deltas.size(); i++) {
      LayerDelta d = deltas.get(i);
      if (!d.layer().equals(first.layer())) {
        throw new IllegalArgumentException("delta " + i + " is for layer " + d.layer() + ", delta 0 for " + first.layer());
      }
      if (!d.tensors().keySet().equals(first.tensors().keySet())) {
        throw new IllegalArgumentException("delta " + i + " has tensors " + d.tensors().keySet()
            + ", delta 0 has " + first.tensors().keySet());
      }
      values[i] = new float[names.size()][];
      int s = 0;
      for (Map.Entry<String, DenseTensor> e : d.tensors().entrySet()) {
        if (!e.getValue().sameShape(shapes[s])) {
          throw new IllegalArgumentException("delta " + i + " tensor " + e.getKey() + " has shape "
              + Arrays.toString(e.getValue().shape()) + ", delta 0 has " + Arrays.toString(shapes[s]));
        }
        values[i][s] = e.getValue().values();
        s++;
      }
    }
    return ofSegments(names, shapes, values, verifiedTokens);
  }

  /**
   * Builds a set from raw segments: {@code values[delta][tensor]} in the order of {@code names}.
   */
  public static DeltaSet ofSegments(List<String> names, int[][] shapes, float[][][] values, long[] weights) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("nothing to aggregate: no deltas");
    }
    if (weights == null || weights.length != values.length) {
      throw new IllegalArgumentException("need one weight per delta: " + values.length + " deltas, "
          + (weights == null ? "no" : String.valueOf(weights.length)) + " weights");
    }
    if (names.size() != shapes.length) {
      throw new IllegalArgumentException(names.size() + " tensor names but " + shapes.length + " shapes");
    }
    for (int s = 1; s < names.size(); s++) {
      if (names.get(s - 1).compareTo(names.get(s)) >= 0) {
        throw new IllegalArgumentException("tensor names must be sorted and distinct: " + names);
      }
    }
    long total = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] <= 0) {
        throw new IllegalArgumentException("delta " + i + " has weight " + weights[i] + "; verified tokens must be positive");
      }
      total = Math.addExact(total, weights[i]);
    }
    if (total > (1L << 53)) {
      throw new IllegalArgumentException("total weight " + total + " exceeds 2^53 and cannot be summed exactly");
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i].length != names.size()) {
        throw new IllegalArgumentException("delta " + i + " has " + values[i].length + " tensors, expected " + names.size());
      }
      for (int s = 0; s < names.size(); s++) {
        long numel = 1;
        for (int dim : shapes[s]) {
          numel *= dim;
        }
        float[] v = values[i][s];
        if (v.length != numel) {
          throw new IllegalArgumentException("delta " + i + " tensor " + names.get(s) + " has " + v.length
              + " values, shape " + Arrays.toString(shapes[s]) + " needs " + numel);
        }
        for (int k = 0; k < v.length; k++) {
          if (!Float.isFinite(v[k])) {
            throw new IllegalArgumentException("delta " + i + " tensor " + names.get(s) + " has non-finite value "
                + v[k] + " at index " + k + "; non-finite deltas are rejected before aggregation");
          }
        }
      }
    }
    return new DeltaSet(List.copyOf(names), deepCopy(shapes), values, weights.clone());
  }

  private static int[][] deepCopy(int[][] shapes) {
    int[][] out = new int[shapes.length][];
    for (int s = 0; s < shapes.length; s++) {
      out[s] = shapes[s].clone();
    }
    return out;
  }

  /** Number of deltas. */
  public int size() {
    return values.length;
  }

  /** Number of tensors (segments) per delta. */
  public int segmentCount() {
    return names.size();
  }

  /** Tensor names in sorted order. */
  public List<String> names() {
    return names;
  }

  /** Shape of segment s. */
  public int[] shape(int s) {
    return shapes[s].clone();
  }

  /** Number of values in segment s. */
  public int segmentLength(int s) {
    return values[0][s].length;
  }

  /** The values of delta i, segment s (shared, do not modify). */
  float[] segment(int i, int s) {
    return values[i][s];
  }

  /** Weight (verified tokens) of delta i. */
  public long weight(int i) {
    return weights[i];
  }

  /** A subset of this set, in the given index order. */
  DeltaSet subset(int[] indices) {
    float[][][] v = new float[indices.length][][];
    long[] w = new long[indices.length];
    for (int k = 0; k < indices.length; k++) {
      v[k] = values[indices[k]];
      w[k] = weights[indices[k]];
    }
    return new DeltaSet(names, shapes, v, w);
  }
}
