package io.deltachain.core.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QuantizationTest {

  /** The 16 NF4 values exactly as bitsandbytes prints them (reference sheet, section D). */
  private static final String[] NF4_REFERENCE = {
      "-1.0", "-0.6961928009986877", "-0.5250730514526367", "-0.39491748809814453",
      "-0.28444138169288635", "-0.18477343022823334", "-0.09105003625154495", "0.0",
      "0.07958029955625534", "0.16093020141124725", "0.24611230194568634", "0.33791524171829224",
      "0.44070982933044434", "0.5626170039176941", "0.7229568362236023", "1.0"};

  private static float[] data(int n, IntToDoubleFunction f) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) f.applyAsDouble(i);
    }
    return x;
  }

  /** Adversarial and ordinary inputs, each a different failure mode for blockwise scaling. */
  private static float[][] cases() {
    SplittableRandom rnd = new SplittableRandom(2024);
    return new float[][] {
        data(10_000, i -> rnd.nextGaussian()),
        data(10_000, i -> rnd.nextDouble() * 2 - 1),
        data(10_000, i -> rnd.nextGaussian() * 1e-3),
        new float[1000], // zeros
        data(1000, i -> 0.25), // constant blocks
        data(1000, i -> -3.5),
        data(64 * 7 + 13, i -> rnd.nextGaussian()), // partial trailing block, odd count
        data(3, i -> i - 1), // shorter than one block
        data(4096, i -> i % 97 == 0 ? 1e30 * (i % 2 == 0 ? 1 : -1) : rnd.nextGaussian()), // huge outliers
        data(4096, i -> i % 64 == 5 ? 1e4 : rnd.nextGaussian() * 1e-4), // one outlier per block
        data(1000, i -> rnd.nextGaussian() * 1e-40), // subnormal scales
        data(1000, i -> Float.MIN_VALUE * (i % 5)), // tiniest subnormals
        data(1000, i -> -Math.abs(rnd.nextGaussian())), // one-signed
        data(1000, i -> Float.MAX_VALUE * (i % 3 - 1)), // largest finite magnitudes
    };
  }

  @Test
  @DisplayName("the NF4 table is bitsandbytes' 16 values in index order, with max half-gap 0.1519")
  void nf4Table() {
    float[] code = FourBitCode.NF4.codeValues();
    assertThat(code).hasSize(16);
    for (int i = 0; i < 16; i++) {
      assertThat(code[i]).isEqualTo(Float.parseFloat(NF4_REFERENCE[i]));
    }
    assertThat(FourBitCode.NF4.maxHalfGap()).isEqualTo((code[1] - code[0]) / 2);
    assertThat(FourBitCode.NF4.maxHalfGap()).isBetween(0.1519f, 0.1520f);
    assertThat((double) FourBitCode.INT4.maxHalfGap()).isCloseTo(1.0 / 14, org.assertj.core.data.Offset.offset(1e-7));
  }

  @Test
  @DisplayName("NF4 packs the first value of each pair in the high nibble and pads an odd tail with 0")
  void nibbleOrder() {
    // 1.0 -> 15, -1.0 -> 0, 0 -> 7, 0.5 -> 12 (0.5 is below the 12/13 midpoint 0.5017)
    FourBitQuantized q = Quantization.quantize4Bit(FourBitCode.NF4, new float[] {1f, -1f, 0f, 0.5f}, 64);
    assertThat(q.packed()).containsExactly((byte) 0xF0, (byte) 0x7C);
    assertThat(q.absmax()).containsExactly(1f);
    FourBitQuantized odd = Quantization.quantize4Bit(FourBitCode.NF4, new float[] {1f, 2f, -2f}, 64);
    // absmax 2: 0.5 -> 12, 1 -> 15, -1 -> 0 in the high nibble of the last byte
    assertThat(odd.packed()).containsExactly((byte) 0xCF, (byte) 0x00);
    assertThat(Quantization.dequantize(odd)).containsExactly(2 * FourBitCode.NF4.value(12), 2f, -2f);
    assertThat(odd.index(2)).isZero();
    // two blocks of 2: each gets its own absmax
    FourBitQuantized blocks = Quantization.quantize4Bit(FourBitCode.NF4, new float[] {4f, -4f, 0.1f, 0.05f}, 2);
    assertThat(blocks.absmax()).containsExactly(4f, 0.1f);
    assertThat(blocks.packed()).containsExactly((byte) 0xF0, (byte) 0xFC); // 0.05 / 0.1 = 0.5 -> 12
  }

  @Test
  @DisplayName("the bucket-table nearest-code search agrees with a scan over the midpoints everywhere")
  void nearestMatchesScan() {
    for (FourBitCode code : FourBitCode.values()) {
      float[] v = code.codeValues();
      for (int i = 0; i < 15; i++) {
        float mid = (v[i] + v[i + 1]) * 0.5f;
        for (float x : new float[] {Math.nextDown(mid), mid, Math.nextUp(mid), v[i], v[i + 1]}) {
          if (Math.abs(x) <= 1f) {
            assertThat(code.nearest(x)).as("%s at %s", code, x).isEqualTo(code.nearestByScan(x));
          }
        }
      }
      for (int b = 0; b <= 1024; b++) {
        float edge = b / 512f - 1f;
        for (float x : new float[] {Math.nextDown(edge), edge, Math.nextUp(edge)}) {
          if (Math.abs(x) <= 1f) {
            assertThat(code.nearest(x)).isEqualTo(code.nearestByScan(x));
          }
        }
      }
      SplittableRandom rnd = new SplittableRandom(5);
      for (int i = 0; i < 200_000; i++) {
        float x = (float) (rnd.nextDouble() * 2 - 1);
        assertThat(code.nearest(x)).isEqualTo(code.nearestByScan(x));
      }
      // and the scan really is the nearest code
      for (int i = 0; i < 20_000; i++) {
        float x = (float) (rnd.nextDouble() * 2 - 1);
        int q = code.nearestByScan(x);
        for (int j = 0; j < 16; j++) {
          assertThat(Math.abs(x - v[q])).isLessThanOrEqualTo(Math.abs(x - v[j]) + 1e-7f);
        }
      }
    }
  }

  @Test
  @DisplayName("NF4 and int4 round trips stay within the stated bound on ordinary and adversarial data")
  void fourBitErrorBound() {
    for (FourBitCode code : FourBitCode.values()) {
      for (int blockSize : new int[] {16, 64, 4096}) {
        for (float[] x : cases()) {
          FourBitQuantized q = Quantization.quantize4Bit(code, x, blockSize);
          float[] y = Quantization.dequantize(q);
          for (int i = 0; i < x.length; i++) {
            float a = q.absmax()[i / blockSize];
            assertThat(Math.abs((double) x[i] - y[i])).as("%s block %d, x[%d] = %s", code, blockSize, i, x[i])
                .isLessThanOrEqualTo(code.errorBound(a));
          }
        }
      }
    }
  }

  @Test
  @DisplayName("the 4-bit bound is tight: uniform data comes close to it")
  void fourBitBoundIsTight() {
    SplittableRandom rnd = new SplittableRandom(9);
    float[] x = data(100_000, i -> rnd.nextDouble() * 2 - 1);
    for (FourBitCode code : FourBitCode.values()) {
      FourBitQuantized q = Quantization.quantize4Bit(code, x, 64);
      float[] y = Quantization.dequantize(q);
      double worstRatio = 0;
      for (int i = 0; i < x.length; i++) {
        worstRatio = Math.max(worstRatio, Math.abs(x[i] - y[i]) / code.errorBound(q.absmax()[i / 64]));
      }
      assertThat(worstRatio).as("%s", code).isBetween(0.95, 1.0);
    }
  }

  @Test
  @DisplayName("special values come back exactly: zeros, block maxima, constant blocks")
  void exactValues() {
    float[] x = {0f, 0f, 3f, -3f, 3f, 3f};
    for (FourBitCode code : FourBitCode.values()) {
      float[] y = Quantization.dequantize(Quantization.quantize4Bit(code, x, 2));
      assertThat(y).containsExactly(0f, 0f, 3f, -3f, 3f, 3f);
    }
  }

  @Test
  @DisplayName("int8 per-row round trips stay within absmax/254 on ordinary and adversarial rows")
  void int8ErrorBound() {
    for (float[] x : cases()) {
      for (int rows : new int[] {1, 4}) {
        if (x.length % rows != 0) {
          continue;
        }
        Int8Quantized q = Quantization.quantizeInt8(x, rows);
        float[] y = Quantization.dequantize(q);
        int cols = x.length / rows;
        for (int r = 0; r < rows; r++) {
          float a = 0;
          for (int c = 0; c < cols; c++) {
            a = Math.max(a, Math.abs(x[r * cols + c]));
          }
          assertThat(Math.abs(q.scales()[r] - a / 127f)).isLessThanOrEqualTo(Math.ulp(a / 127f));
          for (int c = 0; c < cols; c++) {
            int i = r * cols + c;
            assertThat(Math.abs((double) x[i] - y[i])).as("x[%d] = %s", i, x[i])
                .isLessThanOrEqualTo(Quantization.int8ErrorBound(a));
            assertThat(q.values()[i]).isBetween((byte) -127, (byte) 127);
          }
        }
      }
    }
  }

  @Test
  @DisplayName("double-quantized scales come back within their bound, and NF4 with them within the sum of bounds")
  void doubleQuantization() {
    SplittableRandom rnd = new SplittableRandom(77);
    for (float[] x : cases()) {
      if (x.length < 2) {
        continue;
      }
      FourBitQuantized q = Quantization.quantize4Bit(FourBitCode.NF4, x, 64);
      NestedScales ns = Quantization.quantizeScales(q.absmax());
      float[] scales = Quantization.dequantizeScales(ns);
      for (int b = 0; b < scales.length; b++) {
        assertThat(Math.abs((double) scales[b] - q.absmax()[b])).isLessThanOrEqualTo(ns.errorBound(b / 256));
      }
      float[] y = new float[x.length];
      Quantization.dequantize4Bit(FourBitCode.NF4, q.packed(), scales, x.length, 64, y, 0);
      for (int i = 0; i < x.length; i++) {
        int b = i / 64;
        double bound = (double) FourBitCode.NF4.errorBound(q.absmax()[b]) + ns.errorBound(b / 256);
        assertThat(Math.abs((double) x[i] - y[i])).isLessThanOrEqualTo(bound);
      }
    }
    // many blocks with very different scales, more than one nested group
    float[] x = data(64 * 1000, i -> rnd.nextGaussian() * Math.pow(10, (i / 64) % 7 - 3));
    FourBitQuantized q = Quantization.quantize4Bit(FourBitCode.NF4, x, 64);
    NestedScales ns = Quantization.quantizeScales(q.absmax());
    assertThat(ns.nestedAbsmax()).hasSize(4);
    float[] scales = Quantization.dequantizeScales(ns);
    for (int b = 0; b < scales.length; b++) {
      assertThat(Math.abs((double) scales[b] - q.absmax()[b])).isLessThanOrEqualTo(ns.errorBound(b / 256));
    }
  }

  @Test
  @DisplayName("NaN and infinity are refused with the index")
  void nonFinite() {
    float[] x = new float[100];
    x[70] = Float.NaN;
    assertThatThrownBy(() -> Quantization.quantizeNf4(x)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 70");
    x[70] = Float.NEGATIVE_INFINITY;
    assertThatThrownBy(() -> Quantization.quantizeInt8(x, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 70");
    assertThatThrownBy(() -> Quantization.quantize4Bit(FourBitCode.NF4, new float[4], 3))
        .hasMessageContaining("even");
  }
}
