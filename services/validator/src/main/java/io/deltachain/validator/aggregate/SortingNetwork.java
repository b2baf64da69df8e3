package io.deltachain.validator.aggregate;

import java.util.ArrayList;
import java.util.List;

/**
 * A sorting network for n inputs: Batcher's odd-even merge sort built for the next power of
 * two, with every comparator that touches a position at or beyond n dropped (those positions
 * would hold +infinity, so such comparators never move anything).
 *
 * <p>Why a network: the validator sorts the n values of every coordinate (millions of them) to
 * take trimmed means and medians. A network's comparators are a fixed list, so they can be
 * applied to a whole block of coordinates at once as branch-free {@code min}/{@code max} loops
 * that the JIT turns into SIMD instructions; no per-coordinate {@code Arrays.sort}, no boxing,
 * no data-dependent branches. The comparator list depends only on n, so every validator
 * performs the same operations.
 */
final class SortingNetwork {
  private final int n;
  private final int[] lo;
  private final int[] hi;

  private SortingNetwork(int n, int[] lo, int[] hi) {
    this.n = n;
    this.lo = lo;
    this.hi = hi;
  }

  /** The network for n inputs (n at least 1). */
  static SortingNetwork forSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("a sorting network needs at least one input, got " + n);
    }
    int size = Integer.highestOneBit(n);
    if (size < n) {
      size <<= 1;
    }
    List<int[]> comps = new ArrayList<>();
    for (int p = 1; p < size; p <<= 1) {
      for (int k = p; k >= 1; k >>= 1) {
        for (int j = k % p; j <= size - 1 - k; j += 2 * k) {
          for (int i = 0; i <= Math.min(k - 1, size - j - k - 1); i++) {
            int a = i + j;
            int b = i + j + k;
            if (a / (2 * p) == b / (2 * p) && b < n) {
              comps.add(new int[] {a, b});
            }
          }
        }
      }
    }
    int[] lo = new int[comps.size()];
    int[] hi = new int[comps.size()];
    for (int c = 0; c < comps.size(); c++) {
      lo[c] = comps.get(c)[0];
      hi[c] = comps.get(c)[1];
    }
    return new SortingNetwork(n, lo, hi);
  }

  /** Number of inputs. */
  int size() {
    return n;
  }

  /** Number of comparators. */
  int comparators() {
    return lo.length;
  }

  /**
   * Sorts, for each column k in [0, len), the values rows[0][k] .. rows[n-1][k] ascending in
   * place. The inputs must be free of NaN (callers guarantee finite values).
   */
  void sortColumns(float[][] rows, int len) {
    for (int c = 0; c < lo.length; c++) {
      float[] a = rows[lo[c]];
      float[] b = rows[hi[c]];
      for (int k = 0; k < len; k++) {
        float x = a[k];
        float y = b[k];
        a[k] = Math.min(x, y);
        b[k] = Math.max(x, y);
      }
    }
  }

  /** Sorts one small array in place with the same network (used by tests and scalar callers). */
  void sort(float[] values) {
    if (values.length != n) {
      throw new IllegalArgumentException("network for " + n + " inputs got " + values.length);
    }
    for (int c = 0; c < lo.length; c++) {
      float x = values[lo[c]];
      float y = values[hi[c]];
      values[lo[c]] = Math.min(x, y);
      values[hi[c]] = Math.max(x, y);
    }
  }
}
