package io.deltachain.inference.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.trainer.model.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SpeculativeDecoderTest {
  private static final int V = 5;
  /** The target: peaked rows. */
  private static final TableModel TARGET = table("target", 11, 2.5, 1000);
  /** A draft that often, not always, agrees. */
  private static final TableModel DRAFT = table("draft", 29, 1.5, 50);

  private static TableModel table(String name, long seed, double scale, long params) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] logits = new float[V][V];
    for (float[] row : logits) {
      for (int j = 0; j < V; j++) {
        row[j] = (float) (r.nextGaussian() * scale);
      }
    }
    return new TableModel(name, logits, params);
  }

  private static int[] run(SpeculativeDecoder d, int[] prompt, int n, Sampler s, long seed, Drafter drafter,
      GenerationStats[] stats) {
    List<Integer> out = new ArrayList<>();
    GenerationStats st = d.generate(prompt, n, s, seed, drafter, out::add, () -> false);
    if (stats != null) {
      stats[0] = st;
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  @DisplayName("greedy speculative decoding emits exactly the target's greedy tokens")
  void greedyEqualsPlain() {
    SpeculativeDecoder d = new SpeculativeDecoder(TARGET, 3, 6);
    for (int start = 0; start < V; start++) {
      int[] prompt = {start, (start + 2) % V};
      int[] plain = run(d, prompt, 40, Sampler.GREEDY, 1, null, null);
      GenerationStats[] st = new GenerationStats[1];
      int[] spec = run(d, prompt, 40, Sampler.GREEDY, 1, new ModelDrafter(DRAFT), st);
      assertThat(spec).isEqualTo(plain).hasSize(40);
      assertThat(st[0].drafted()).isPositive();
      assertThat(st[0].targetPasses()).isLessThanOrEqualTo(40);
    }
  }

  /** Exact probability of a continuation under the target with the sampler's distribution. */
  private static double exact(int[] prompt, int[] cont, Sampler s) {
    double p = 1;
    int prev = prompt[prompt.length - 1];
    for (int t : cont) {
      p *= s.distribution(TARGET.row(prev))[t];
      prev = t;
    }
    return p;
  }

  private static double chiSquare(Sampler s, Drafter drafter, int n, boolean sampleFromDraftOnly) {
    int[] prompt = {1};
    int len = 3;
    int cells = (int) Math.pow(V, len);
    long[] counts = new long[cells];
    SpeculativeDecoder d = new SpeculativeDecoder(TARGET, 2, 4);
    SpeculativeDecoder draftAlone = new SpeculativeDecoder(DRAFT, 2, 4);
    for (int i = 0; i < n; i++) {
      int[] c = sampleFromDraftOnly ? run(draftAlone, prompt, len, s, i, null, null) : run(d, prompt, len, s, i, drafter, null);
      counts[(c[0] * V + c[1]) * V + c[2]]++;
    }
    double chi = 0;
    for (int cell = 0; cell < cells; cell++) {
      int[] cont = {cell / (V * V), (cell / V) % V, cell % V};
      double expected = n * exact(prompt, cont, s);
      if (expected > 0) {
        chi += (counts[cell] - expected) * (counts[cell] - expected) / expected;
      } else {
        assertThat(counts[cell]).as("impossible continuation %s sampled", java.util.Arrays.toString(cont)).isZero();
      }
    }
    return chi;
  }

  @Test
  @DisplayName("speculative sampling draws from the target's distribution (chi-square over all 3-token continuations)")
  void samplingMatchesTarget() {
    int n = 40_000;
    // 125 cells, 124 degrees of freedom: the 0.999 quantile is about 174.
    double withDraft = chiSquare(new Sampler(1.0, 0, 1.0), new ModelDrafter(DRAFT), n, false);
    double draftOnly = chiSquare(new Sampler(1.0, 0, 1.0), null, n, true);
    System.out.printf("chi-square (124 dof): speculative %.1f, draft's own samples %.1f%n", withDraft, draftOnly);
    assertThat(withDraft).isLessThan(174);
    // The test can tell distributions apart: the draft's own samples fail it by far.
    assertThat(draftOnly).isGreaterThan(1000);
  }

  @Test
  @DisplayName("with temperature and top-p the output follows the target's truncated distribution")
  void samplingWithTopP() {
    Sampler s = new Sampler(0.7, 0, 0.8);
    // Cells outside the nucleus have expected count 0 and must never be sampled (checked inside).
    double chi = chiSquare(s, new ModelDrafter(DRAFT), 30_000, false);
    System.out.printf("chi-square with T=0.7, top_p=0.8: %.1f%n", chi);
    assertThat(chi).isLessThan(174);
  }

  @Test
  @DisplayName("the draft length grows when the draft agrees and shrinks when it does not")
  void adaptiveDraftLength() {
    SpeculativeDecoder d = new SpeculativeDecoder(TARGET, 4, 8);
    GenerationStats[] agree = new GenerationStats[1];
    run(d, new int[] {2}, 120, Sampler.GREEDY, 3, new ModelDrafter(TARGET), agree);
    assertThat(agree[0].acceptanceRate()).isEqualTo(1.0);
    assertThat(agree[0].finalDraftLength()).isEqualTo(8);
    assertThat(agree[0].tokensPerTargetPass()).isGreaterThan(5);

    float[][] contrary = new float[V][V];
    for (int prev = 0; prev < V; prev++) {
      int best = Sampler.argmax(TARGET.row(prev));
      contrary[prev][(best + 1) % V] = 10;
    }
    GenerationStats[] disagree = new GenerationStats[1];
    int[] out = run(d, new int[] {2}, 60, Sampler.GREEDY, 3, new ModelDrafter(new TableModel("contrary", contrary, 10)),
        disagree);
    assertThat(out).isEqualTo(run(d, new int[] {2}, 60, Sampler.GREEDY, 3, null, null));
    assertThat(disagree[0].acceptanceRate()).isZero();
    assertThat(disagree[0].finalDraftLength()).isEqualTo(1);
  }

  @Test
  @DisplayName("a draft that fails mid-generation costs speed only: the target finishes alone with the same tokens")
  void lostDraft() {
    SpeculativeDecoder d = new SpeculativeDecoder(TARGET, 3, 6);
    ModelDrafter inner = new ModelDrafter(DRAFT);
    int[] calls = {0};
    Drafter flaky = new Drafter() {
      @Override
      public Proposal propose(int keep, int[] feed, int k, Sampler sampler, long seed) {
        if (++calls[0] > 3) {
          throw new IllegalStateException("draft node left the cluster");
        }
        return inner.propose(keep, feed, k, sampler, seed);
      }

      @Override
      public String name() {
        return "flaky";
      }

      @Override
      public void close() {
        inner.close();
      }
    };
    GenerationStats[] st = new GenerationStats[1];
    int[] out = run(d, new int[] {0, 3}, 50, Sampler.GREEDY, 1, flaky, st);
    assertThat(out).isEqualTo(run(d, new int[] {0, 3}, 50, Sampler.GREEDY, 1, null, null));
    assertThat(st[0].draftError()).contains("left the cluster");
  }

  @Test
  @DisplayName("the draft is the largest compatible model at most a tenth of the target's size")
  void draftSelection() {
    TableModel big = table("big", 1, 1, 1000);
    TableModel small = table("small", 2, 1, 90);
    TableModel smaller = table("smaller", 3, 1, 40);
    TableModel tooBig = table("too-big", 4, 1, 400);
    TableModel otherVocab = new TableModel("other-vocab", new float[V + 1][V + 1], 50);
    DraftSelector sel = new DraftSelector(0.1);
    assertThat(sel.choose(big, List.of(big, tooBig, smaller, small, otherVocab))).containsSame(small);
    assertThat(sel.choose(big, List.of(tooBig, otherVocab))).isEmpty();
  }

  @Test
  @DisplayName("bad arguments are refused with the reason")
  void refusals() {
    SpeculativeDecoder d = new SpeculativeDecoder(TARGET, 3, 6);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(d, new int[0], 5, Sampler.GREEDY, 1, null, null))
        .hasMessageContaining("prompt");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(d, new int[] {1}, 0, Sampler.GREEDY, 1, null, null))
        .hasMessageContaining("max_tokens");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Sampler(-1, 0, 1)).hasMessageContaining("temperature");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Sampler(1, 0, 1.5)).hasMessageContaining("top_p");
  }
}
