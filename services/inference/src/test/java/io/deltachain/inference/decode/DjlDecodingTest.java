package io.deltachain.inference.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.Generator;
import io.deltachain.trainer.model.Sampler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Speculative decoding on the real DJL models. */
class DjlDecodingTest {
  private static DjlDecoderModel target;
  private static DjlDecoderModel draft;
  private static DjlDecoderModel twin;

  @BeforeAll
  static void models() {
    target = new DjlDecoderModel(new CausalLm(ModelProfiles.bundled("tiny-1m"), Device.cpu(), 7), "tiny-1m@7");
    draft = new DjlDecoderModel(new CausalLm(ModelProfiles.bundled("tiny-qwen3-1m"), Device.cpu(), 3), "tiny-qwen3-1m@3");
    twin = new DjlDecoderModel(new CausalLm(ModelProfiles.bundled("tiny-1m"), Device.cpu(), 7), "tiny-1m@7-twin");
  }

  @AfterAll
  static void close() {
    target.model().close();
    draft.model().close();
    twin.model().close();
  }

  private static int[] generate(int[] prompt, int n, Sampler s, long seed, Drafter drafter, GenerationStats[] st) {
    List<Integer> out = new ArrayList<>();
    GenerationStats g = new SpeculativeDecoder(target, 4, 8).generate(prompt, n, s, seed, drafter, out::add, () -> false);
    if (st != null) {
      st[0] = g;
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  @DisplayName("greedy speculative output equals the trainer's plain greedy generation token for token")
  void greedyEqualsGenerator() {
    ByteTokenizer tok = new ByteTokenizer(256);
    for (String text : List.of("The Commission", "Mr President, ", "x")) {
      int[] prompt = tok.encode(text);
      int[] plain = new Generator(target.model()).generate(prompt, 48, 0, 0, 1, -1);
      GenerationStats[] st = new GenerationStats[1];
      try (ModelDrafter d = new ModelDrafter(draft)) {
        assertThat(generate(prompt, 48, Sampler.GREEDY, 1, d, st)).as("prompt %s", text).isEqualTo(plain);
      }
      assertThat(st[0].drafted()).isPositive();
      assertThat(generate(prompt, 48, Sampler.GREEDY, 1, null, null)).isEqualTo(plain);
    }
  }

  @Test
  @DisplayName("a draft with the target's weights is always accepted: several tokens per target pass")
  void identicalDraftIsAccepted() {
    GenerationStats[] st = new GenerationStats[1];
    int[] prompt = new ByteTokenizer(256).encode("Resumption of the session");
    try (ModelDrafter d = new ModelDrafter(twin)) {
      generate(prompt, 60, Sampler.GREEDY, 1, d, st);
    }
    assertThat(st[0].acceptanceRate()).isEqualTo(1.0);
    assertThat(st[0].tokensPerTargetPass()).isGreaterThan(4);
    // Sampling too: same weights means p == q, so every proposal is accepted.
    try (ModelDrafter d = new ModelDrafter(twin)) {
      generate(prompt, 40, new Sampler(0.9, 0, 0.95), 5, d, st);
    }
    assertThat(st[0].acceptanceRate()).isGreaterThan(0.99);
  }

  @Test
  @DisplayName("a truncated session continues exactly like a fresh one")
  void truncateRewinds() {
    int[] a = {10, 20, 30, 40, 50};
    try (DecoderSession s = target.open(); DecoderSession fresh = target.open()) {
      s.append(a);
      s.append(new int[] {99, 98});
      s.truncate(5);
      assertThat(s.length()).isEqualTo(5);
      float[] after = s.append(new int[] {7})[0];
      fresh.append(a);
      float[] expected = fresh.append(new int[] {7})[0];
      for (int i = 0; i < expected.length; i++) {
        assertThat(after[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }
}
