package io.deltachain.validator.aggregate;

import io.deltachain.validator.delta.DenseTensor;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds a layer checkpoint: base weights plus the aggregate delta, one float addition per
 * value, canonicalized so that the bytes (and so the hash every validator votes on) cannot
 * differ in representation: negative zero becomes positive zero, and a non-finite sum (a
 * float overflow) is refused rather than written.
 */
public final class CheckpointBuilder {
  private CheckpointBuilder() {}

  /**
   * The checkpoint tensors, in sorted name order: every base tensor, with the aggregate added
   * to those the aggregate covers.
   *
   * @throws IllegalArgumentException if the aggregate names a tensor the base lacks, a shape
   *     differs, or a sum overflows
   */
  public static SortedMap<String, DenseTensor> apply(Map<String, DenseTensor> base, AggregateResult aggregate) {
    SortedMap<String, DenseTensor> out = new TreeMap<>();
    for (Map.Entry<String, DenseTensor> e : new TreeMap<>(base).entrySet()) {
      out.put(e.getKey(), canonical(e.getValue()));
    }
    for (int s = 0; s < aggregate.names().size(); s++) {
      String name = aggregate.names().get(s);
      DenseTensor w = base.get(name);
      if (w == null) {
        throw new IllegalArgumentException("aggregate has tensor " + name + " that the base checkpoint lacks; base has "
            + new TreeMap<>(base).keySet());
      }
      if (!w.sameShape(aggregate.shapes()[s])) {
        throw new IllegalArgumentException("tensor " + name + ": base shape " + Arrays.toString(w.shape())
            + " but aggregate shape " + Arrays.toString(aggregate.shapes()[s]));
      }
      float[] wv = w.values();
      float[] dv = aggregate.values()[s];
      float[] sum = new float[wv.length];
      for (int k = 0; k < wv.length; k++) {
        float v = wv[k] + dv[k];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("tensor " + name + " overflows at index " + k + ": " + wv[k] + " + " + dv[k]);
        }
        // adding +0.0f maps -0.0f to +0.0f and leaves every other value unchanged
        sum[k] = v + 0.0f;
      }
      out.put(name, new DenseTensor(w.shape(), sum));
    }
    return out;
  }

  private static DenseTensor canonical(DenseTensor t) {
    float[] v = t.values();
    float[] c = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      if (!Float.isFinite(v[k])) {
        throw new IllegalArgumentException("base tensor has non-finite value " + v[k] + " at index " + k);
      }
      c[k] = v[k] + 0.0f;
    }
    return new DenseTensor(t.shape(), c);
  }
}
