package io.deltachain.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

  /** Reference F16 rounding: search the sorted positive half values, pick the nearest, ties to even. */
  private static short referenceF16(float f) {
    int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
    double a = Math.abs((double) f);
    // 65504 + 16 (half an ulp) and above: infinity (65520 itself ties to the even neighbour, infinity)
    if (a >= 65520.0) {
      return (short) (sign | 0x7C00);
    }
    int lo = 0;
    int hi = 0x7BFF;
    while (lo < hi) { // largest h with value(h) <= a
      int mid = (lo + hi + 1) >>> 1;
      if (HalfFloats.f16ToFloat((short) mid) <= a) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    int below = lo;
    int above = lo + 1; // may be 0x7C00 (infinity) only when a > 65504, handled by the neighbour test below
    double vb = HalfFloats.f16ToFloat((short) below);
    double va = above == 0x7C00 ? 65536.0 : HalfFloats.f16ToFloat((short) above);
    double db = a - vb;
    double da = va - a;
    int pick = db < da ? below : da < db ? above : ((below & 1) == 0 ? below : above);
    return (short) (sign | pick);
  }

  private static short referenceBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int truncated = bits >>> 16;
    float below = Float.intBitsToFloat(truncated << 16);
    float above = Float.intBitsToFloat((truncated + 1) << 16);
    double db = Math.abs((double) f - below);
    double da = Float.isInfinite(above) ? Math.abs(Math.scalb(1.0, 128) * Math.signum(f) - f) : Math.abs((double) above - f);
    if (db < da) {
      return (short) truncated;
    }
    if (da < db) {
      return (short) (truncated + 1);
    }
    return (short) ((truncated & 1) == 0 ? truncated : truncated + 1);
  }

  @Test
  @DisplayName("every F16 bit pattern widens to a float that narrows back to the same bits")
  void f16RoundTripsExhaustively() {
    for (int h = 0; h < 0x10000; h++) {
      float f = HalfFloats.f16ToFloat((short) h);
      assertThat(HalfFloats.floatToF16(f) & 0xFFFF).as("bits %04x", h).isEqualTo(h);
    }
  }

  @Test
  @DisplayName("F16 widening gives the textbook values")
  void f16KnownValues() {
    assertThat(HalfFloats.f16ToFloat((short) 0x3C00)).isEqualTo(1.0f);
    assertThat(HalfFloats.f16ToFloat((short) 0xC000)).isEqualTo(-2.0f);
    assertThat(HalfFloats.f16ToFloat((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(HalfFloats.f16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(HalfFloats.f16ToFloat((short) 0x0400)).isEqualTo(0x1p-14f);
    assertThat(HalfFloats.f16ToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
    assertThat(HalfFloats.f16ToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.f16ToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(HalfFloats.f16ToFloat((short) 0x7E00)).isNaN();
    assertThat(Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0x8000))).isEqualTo(0x8000_0000);
  }

  @Test
  @DisplayName("F16 narrowing rounds to nearest even, overflows to infinity and keeps NaN")
  void f16NarrowingEdgeCases() {
    // 1 + 2^-11 is exactly between 1 and 1 + 2^-10: ties to the even mantissa (1.0)
    assertThat(HalfFloats.floatToF16(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
    // 1 + 3*2^-11 is between 1+2^-10 (odd) and 1+2^-9 (even): rounds up
    assertThat(HalfFloats.floatToF16(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
    assertThat(HalfFloats.floatToF16(65519.99f)).isEqualTo((short) 0x7BFF);
    assertThat(HalfFloats.floatToF16(65520f)).isEqualTo((short) 0x7C00);
    assertThat(HalfFloats.floatToF16(-1e9f)).isEqualTo((short) 0xFC00);
    assertThat(HalfFloats.floatToF16(0x1p-25f)).isEqualTo((short) 0x0000); // tie between 0 and min subnormal
    assertThat(HalfFloats.floatToF16(Math.nextUp(0x1p-25f))).isEqualTo((short) 0x0001);
    assertThat(HalfFloats.floatToF16(3 * 0x1p-25f)).isEqualTo((short) 0x0002); // tie 1 vs 2 subnormal ulps: even
    assertThat(HalfFloats.floatToF16(-0f)).isEqualTo((short) 0x8000);
    assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))).isNaN();
    // a float NaN whose payload lives only in low bits must not turn into infinity
    assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.intBitsToFloat(0x7F80_0001)))).isNaN();
  }

  @Test
  @DisplayName("F16 narrowing matches a nearest-value search on random and boundary floats")
  void f16MatchesReference() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      float f = switch (i % 3) {
        case 0 -> Float.intBitsToFloat(rnd.nextInt()) ; // any bits
        case 1 -> (float) ((rnd.nextDouble() * 2 - 1) * 70000.0); // normal range
        default -> (float) ((rnd.nextDouble() * 2 - 1) * 1e-4); // subnormal range
      };
      if (Float.isNaN(f)) {
        continue;
      }
      if (Float.isInfinite(f)) {
        assertThat(HalfFloats.floatToF16(f)).isEqualTo((short) (f > 0 ? 0x7C00 : 0xFC00));
        continue;
      }
      assertThat(HalfFloats.floatToF16(f)).as("f=%s", f).isEqualTo(referenceF16(f));
    }
    // every midpoint between adjacent halves, and its float neighbours
    for (int h = 0; h < 0x7BFF; h++) {
      double mid = ((double) HalfFloats.f16ToFloat((short) h) + HalfFloats.f16ToFloat((short) (h + 1))) / 2;
      float m = (float) mid; // exact: a half midpoint needs at most 12 significant bits
      assertThat((double) m).isEqualTo(mid);
      for (float f : new float[] {Math.nextDown(m), m, Math.nextUp(m)}) {
        assertThat(HalfFloats.floatToF16(f)).as("f=%s near h=%04x", f, h).isEqualTo(referenceF16(f));
      }
    }
  }

  @Test
  @DisplayName("BF16 narrowing rounds to nearest even and widening is exact")
  void bf16() {
    assertThat(HalfFloats.bf16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
    assertThat(HalfFloats.floatToBf16(1.0f)).isEqualTo((short) 0x3F80);
    // 1 + 2^-8 is the midpoint between 1 (even) and 1 + 2^-7: ties to 1
    assertThat(HalfFloats.floatToBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3F80);
    // 1 + 3*2^-8 is the midpoint between 1+2^-7 (odd) and 1+2^-6: ties up
    assertThat(HalfFloats.floatToBf16(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);
    assertThat(HalfFloats.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
    assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))).isNaN();
    assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7F80_0001)))).isNaN();
    for (int b = 0; b < 0x10000; b++) {
      float f = HalfFloats.bf16ToFloat((short) b);
      if (!Float.isNaN(f)) {
        assertThat(HalfFloats.floatToBf16(f) & 0xFFFF).isEqualTo(b);
      }
    }
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      float f = Float.intBitsToFloat(rnd.nextInt());
      if (Float.isNaN(f) || Float.isInfinite(f)) {
        continue;
      }
      assertThat(HalfFloats.floatToBf16(f)).as("f=%s", f).isEqualTo(referenceBf16(f));
    }
  }

  @Test
  @DisplayName("bulk conversions agree with the scalar ones")
  void bulk() {
    float[] src = {0f, 1f, -2.5f, 1e-6f, 70000f, 0.1f};
    short[] h = new short[src.length];
    short[] b = new short[src.length];
    HalfFloats.floatToF16(src, 0, h, 0, src.length);
    HalfFloats.floatToBf16(src, 0, b, 0, src.length);
    float[] back = new float[src.length];
    float[] backB = new float[src.length];
    HalfFloats.f16ToFloat(h, 0, back, 0, src.length);
    HalfFloats.bf16ToFloat(b, 0, backB, 0, src.length);
    for (int i = 0; i < src.length; i++) {
      assertThat(h[i]).isEqualTo(HalfFloats.floatToF16(src[i]));
      assertThat(back[i]).isEqualTo(HalfFloats.f16ToFloat(h[i]));
      assertThat(backB[i]).isEqualTo(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(src[i])));
    }
  }
}
