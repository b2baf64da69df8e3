package io.deltachain.validator.verdict;

import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Reductions over layer deltas viewed as one vector (tensors concatenated in sorted name
 * order), in double, in index order, so every validator gets the same numbers.
 */
public final class DeltaVectors {
  private DeltaVectors() {}

  /** Dot product; both deltas must have the same tensor names and sizes. */
  public static double dot(LayerDelta a, LayerDelta b) {
    requireAligned(a, b);
    double sum = 0.0;
    Iterator<DenseTensor> ib = b.tensors().values().iterator();
    for (DenseTensor ta : a.tensors().values()) {
      float[] x = ta.values();
      float[] y = ib.next().values();
      for (int k = 0; k < x.length; k++) {
        sum += (double) x[k] * y[k];
      }
    }
    return sum;
  }

  /** Cosine similarity; 0 when either vector is zero. */
  public static double cosine(LayerDelta a, LayerDelta b) {
    double na = Math.sqrt(a.squaredNorm());
    double nb = Math.sqrt(b.squaredNorm());
    if (na == 0 || nb == 0) {
      return 0.0;
    }
    return dot(a, b) / (na * nb);
  }

  /** Whether two deltas have the same tensor names and sizes. */
  public static boolean aligned(LayerDelta a, LayerDelta b) {
    if (!a.tensors().keySet().equals(b.tensors().keySet())) {
      return false;
    }
    for (String name : a.tensors().keySet()) {
      if (a.tensor(name).numel() != b.tensor(name).numel()) {
        return false;
      }
    }
    return true;
  }

  private static void requireAligned(LayerDelta a, LayerDelta b) {
    if (!aligned(a, b)) {
      throw new IllegalArgumentException("deltas are not aligned: " + a + " vs " + b);
    }
  }

  /**
   * Indices (into the concatenated vector) of the k values of largest magnitude, ties broken by
   * lower index, returned ascending. Linear time: a two-pass radix select on the magnitude's
   * float bits, which order like the magnitudes themselves for non-negative floats.
   */
  public static int[] topK(LayerDelta delta, int k) {
    long numel = delta.numel();
    if (k < 1 || k > numel) {
      throw new IllegalArgumentException("top-k needs 1 <= k <= " + numel + ", got " + k);
    }
    float[][] segs = delta.segments();
    // pass 1: histogram of the high 16 bits of |v|
    long[] high = new long[1 << 16];
    for (float[] s : segs) {
      for (float v : s) {
        high[(Float.floatToRawIntBits(v) & 0x7fffffff) >>> 16]++;
      }
    }
    int hb = 0xffff;
    long above = 0;
    while (above + high[hb] < k) {
      above += high[hb];
      hb--;
    }
    // pass 2: histogram of the low 16 bits within bucket hb
    long[] low = new long[1 << 16];
    for (float[] s : segs) {
      for (float v : s) {
        int bits = Float.floatToRawIntBits(v) & 0x7fffffff;
        if (bits >>> 16 == hb) {
          low[bits & 0xffff]++;
        }
      }
    }
    int lb = 0xffff;
    while (above + low[lb] < k) {
      above += low[lb];
      lb--;
    }
    int threshold = (hb << 16) | lb;
    long tiesToTake = k - above;
    int[] out = new int[k];
    int c = 0;
    int index = 0;
    for (float[] s : segs) {
      for (float v : s) {
        int bits = Float.floatToRawIntBits(v) & 0x7fffffff;
        if (bits > threshold || (bits == threshold && tiesToTake-- > 0)) {
          out[c++] = index;
        }
        index++;
      }
    }
    if (c != k) {
      throw new IllegalStateException("top-k selected " + c + " of " + k);
    }
    return out;
  }

  /** Size of the intersection of two ascending index arrays. */
  public static int overlap(int[] a, int[] b) {
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        n++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return n;
  }

  /** Median of a copy of the values (mean of the middle two for even counts). */
  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return (n & 1) == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
