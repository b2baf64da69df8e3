package io.deltachain.core.delta;

import java.util.Arrays;
import java.util.Objects;

/**
 * Top-k sparsification by magnitude, with optional error feedback.
 *
 * <p>The {@code k} entries of largest {@code |value|} are kept; among equal magnitudes the lower
 * index wins, so the result is unique and the same on every machine. With a residual buffer, each
 * call first adds the residual to the input and then stores back exactly what it dropped (and 0
 * where it kept), so nothing is lost across rounds: for every index,
 * {@code kept + residualAfter == values + residualBefore}, bit for bit.
 */
public final class TopK {
  private TopK() {}

  /** Top-k without error feedback. */
  public static SparseVector sparsify(float[] values, int k) {
    return sparsify(values, k, null);
  }

  /**
   * Keeps the {@code k} largest-magnitude entries of {@code values + residual}.
   *
   * @param residual error-feedback buffer of the same length, updated in place; {@code null} for none
   * @throws IllegalArgumentException if k is outside [0, n], lengths differ, or a value is NaN
   */
  public static SparseVector sparsify(float[] values, int k, float[] residual) {
    Objects.requireNonNull(values, "values");
    int n = values.length;
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("k = " + k + " is outside [0, " + n + "]");
    }
    if (residual != null && residual.length != n) {
      throw new IllegalArgumentException("residual has " + residual.length + " entries, values have " + n);
    }
    float[] work = values;
    if (residual != null) {
      work = new float[n];
      for (int i = 0; i < n; i++) {
        work[i] = values[i] + residual[i];
      }
    }
    float[] mags = new float[n];
    for (int i = 0; i < n; i++) {
      float a = Math.abs(work[i]);
      if (a != a) {
        throw new IllegalArgumentException("cannot sparsify NaN at index " + i);
      }
      mags[i] = a;
    }
    int[] idx = new int[k];
    float[] val = new float[k];
    if (k > 0) {
      float threshold = selectKthSmallest(mags, n - k); // the k-th largest magnitude
      int above = 0;
      for (int i = 0; i < n; i++) {
        if (Math.abs(work[i]) > threshold) {
          above++;
        }
      }
      int equalQuota = k - above; // how many entries exactly at the threshold to keep, lowest index first
      int j = 0;
      for (int i = 0; i < n; i++) {
        float a = Math.abs(work[i]);
        if (a > threshold || (a == threshold && equalQuota-- > 0)) {
          idx[j] = i;
          val[j] = work[i];
          j++;
        }
      }
    }
    if (residual != null) {
      System.arraycopy(work, 0, residual, 0, n);
      for (int i : idx) {
        residual[i] = 0f;
      }
    }
    return new SparseVector(n, idx, val);
  }

  /**
   * The {@code rank}-th smallest value (0-based) of non-negative, non-NaN floats; reorders
   * {@code a}. Quickselect with a median-of-three pivot and a three-way partition (many equal
   * values, such as zeros, are common in deltas), falling back to a sort if it degenerates.
   */
  static float selectKthSmallest(float[] a, int rank) {
    int lo = 0;
    int hi = a.length - 1;
    int budget = 2 * (32 - Integer.numberOfLeadingZeros(a.length)) + 16;
    while (hi > lo) {
      if (budget-- == 0) {
        Arrays.sort(a, lo, hi + 1);
        return a[rank];
      }
      int mid = (lo + hi) >>> 1;
      float p = median(a[lo], a[mid], a[hi]);
      int lt = lo;
      int gt = hi;
      int i = lo;
      while (i <= gt) {
        float v = a[i];
        if (v < p) {
          a[i] = a[lt];
          a[lt] = v;
          lt++;
          i++;
        } else if (v > p) {
          a[i] = a[gt];
          a[gt] = v;
          gt--;
        } else {
          i++;
        }
      }
      if (rank < lt) {
        hi = lt - 1;
      } else if (rank > gt) {
        lo = gt + 1;
      } else {
        return p;
      }
    }
    return a[rank];
  }

  private static float median(float x, float y, float z) {
    if (x < y) {
      return y < z ? y : (x < z ? z : x);
    }
    return x < z ? x : (y < z ? z : y);
  }
}
