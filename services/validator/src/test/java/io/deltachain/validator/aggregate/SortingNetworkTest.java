package io.deltachain.validator.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SortingNetworkTest {

  @Test
  @DisplayName("the network sorts every 0/1 input for n up to 16, which proves it sorts everything (0-1 principle)")
  void sortsAllBinaryInputs() {
    for (int n = 1; n <= 16; n++) {
      SortingNetwork net = SortingNetwork.forSize(n);
      float[] v = new float[n];
      for (int mask = 0; mask < (1 << n); mask++) {
        int ones = Integer.bitCount(mask);
        for (int i = 0; i < n; i++) {
          v[i] = (mask >>> i & 1);
        }
        net.sort(v);
        for (int i = 0; i < n; i++) {
          assertThat(v[i]).as("n=%d mask=%d position %d", n, mask, i).isEqualTo(i >= n - ones ? 1f : 0f);
        }
      }
    }
  }

  @Test
  @DisplayName("column sorting matches Arrays.sort for n from 1 to 33 on random values with ties")
  void columnsMatchArraysSort() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int n = 1; n <= 33; n++) {
      SortingNetwork net = SortingNetwork.forSize(n);
      int len = 257;
      float[][] rows = new float[n][len];
      for (float[] row : rows) {
        for (int k = 0; k < len; k++) {
          row[k] = k % 5 == 0 ? (float) rnd.nextInt(3) : (float) rnd.nextGaussian();
        }
      }
      float[][] expected = new float[len][n];
      for (int k = 0; k < len; k++) {
        for (int i = 0; i < n; i++) {
          expected[k][i] = rows[i][k];
        }
        Arrays.sort(expected[k]);
      }
      net.sortColumns(rows, len);
      for (int k = 0; k < len; k++) {
        for (int i = 0; i < n; i++) {
          assertThat(rows[i][k]).as("n=%d column %d rank %d", n, k, i).isEqualTo(expected[k][i]);
        }
      }
    }
  }

  @Test
  @DisplayName("the network for 20 inputs is small enough to run per block of coordinates")
  void comparatorCountIsModest() {
    assertThat(SortingNetwork.forSize(20).comparators()).isBetween(91, 140);
  }
}
