package io.deltachain.inference.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.inference.decode.ModelDrafter;
import io.deltachain.trainer.model.Sampler;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DraftPayloadTest {

  /** A temperature-1 distribution over a Qwen-size vocabulary: dense, no exact zeros. */
  private static double[] qwenSizeDistribution(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] logits = new float[151_936];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (r.nextGaussian() * 3);
    }
    return new Sampler(1.0, 0, 1.0).distribution(logits);
  }

  @Test
  @DisplayName("a remote draft's distributions travel sparsely: at most 256 entries per token at a 152k vocabulary, decoded exactly")
  void sparseAndExact() {
    double[][] rows = {ModelDrafter.capSupport(qwenSizeDistribution(1), ModelDrafter.MAX_SUPPORT),
        ModelDrafter.capSupport(qwenSizeDistribution(2), ModelDrafter.MAX_SUPPORT)};
    String q = DraftVerticle.encode(rows);
    int bytes = Base64.getDecoder().decode(q).length;
    assertThat(bytes).isEqualTo(2 * (4 + ModelDrafter.MAX_SUPPORT * 12));
    // the dense float64 rows sent before were 151936 * 8 bytes each
    assertThat(bytes).isLessThan(2 * 151_936 * 8 / 300);
    double[][] back = DraftVerticle.decode(q, 2, 151_936);
    for (int i = 0; i < 2; i++) {
      assertThat(back[i]).containsExactly(rows[i]);
    }
  }

  @Test
  @DisplayName("the cut keeps the most likely tokens (lower id on ties), renormalised, and leaves small supports alone")
  void cutKeepsTheMostLikely() {
    double[] p = {0.1, 0.3, 0.05, 0.3, 0.25};
    double[] cut = ModelDrafter.capSupport(p, 3);
    org.assertj.core.data.Offset<Double> ulp = org.assertj.core.data.Offset.offset(1e-15);
    assertThat(cut[1]).isCloseTo(0.3 / 0.85, ulp);
    assertThat(cut[3]).isCloseTo(0.3 / 0.85, ulp);
    assertThat(cut[4]).isCloseTo(0.25 / 0.85, ulp);
    assertThat(cut[0]).isZero();
    assertThat(cut[2]).isZero();
    assertThat(Arrays.stream(cut).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    double[] tie = ModelDrafter.capSupport(new double[] {0.25, 0.25, 0.25, 0.25}, 2);
    assertThat(tie).containsExactly(0.5, 0.5, 0, 0);
    double[] small = {0, 0.5, 0, 0.5};
    assertThat(ModelDrafter.capSupport(small, 2)).isSameAs(small);
  }

  @Test
  @DisplayName("a malformed payload is refused with the reason, not decoded into a wrong distribution")
  void malformed() {
    String three = DraftVerticle.encode(new double[][] {{0.2, 0.3, 0.5}});
    assertThatThrownBy(() -> DraftVerticle.decode(three, 1, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row with 3 entries (vocabulary 2)");
    String ok = DraftVerticle.encode(new double[][] {{0, 1.0, 0}});
    assertThatThrownBy(() -> DraftVerticle.decode(ok, 2, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
    String two = DraftVerticle.encode(new double[][] {{0, 1.0, 0}, {1.0, 0, 0}});
    assertThatThrownBy(() -> DraftVerticle.decode(two, 1, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trailing bytes");
    String badId = DraftVerticle.encode(new double[][] {{0, 0, 0, 1.0}});
    assertThatThrownBy(() -> DraftVerticle.decode(badId, 1, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a token id of 3");
  }
}
