package io.deltachain.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.trainer.TestModels;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CausalLmTest {

  private static float[] logits(CausalLm model, long[] tokens) {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray in = m.create(tokens, new Shape(1, tokens.length));
      return model.forward(in, null, false).toFloatArray();
    }
  }

  private static float maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
    float d = 0;
    for (int i = 0; i < n; i++) {
      d = Math.max(d, Math.abs(a[aOff + i] - b[bOff + i]));
    }
    return d;
  }

  @Test
  @DisplayName("the model's tensors carry Hugging Face names and the profile's shapes")
  void hfNamesAndShapes() {
    ModelProfile p = ModelProfiles.bundled("tiny-qwen3-1m");
    try (CausalLm model = new CausalLm(p, Device.cpu(), 3)) {
      var params = model.parameters();
      assertThat(params.get("model.layers.3.self_attn.q_proj.weight").getArray().getShape())
          .isEqualTo(new Shape((long) p.numHeads() * p.headDim(), p.hiddenSize()));
      assertThat(params.get("model.layers.0.self_attn.k_norm.weight").getArray().getShape())
          .isEqualTo(new Shape(p.headDim()));
      assertThat(params).containsKey(CausalLm.LM_HEAD);
      long count = params.values().stream().mapToLong(x -> x.getArray().size()).sum();
      assertThat(count).isEqualTo(p.cost().totalParameters());
    }
  }

  @Test
  @DisplayName("a later token never changes the logits of earlier positions (causal mask)")
  void causal() {
    try (CausalLm model = TestModels.tinyModel(5)) {
      float[] a = logits(model, new long[] {10, 20, 30, 40, 50});
      float[] b = logits(model, new long[] {10, 20, 30, 41, 99});
      int v = model.spec().vocabSize();
      assertThat(maxAbsDiff(a, 0, b, 0, 3 * v)).isLessThan(1e-6f);
      assertThat(maxAbsDiff(a, 3 * v, b, 3 * v, v)).isGreaterThan(1e-4f);
    }
  }

  @Test
  @DisplayName("decoding with the KV cache gives the logits of a full pass (GQA, QK-norm, head_dim != hidden/heads)")
  void kvCacheMatchesFullPass() {
    try (CausalLm model = new CausalLm(ModelProfiles.bundled("tiny-qwen3-1m"), Device.cpu(), 4)) {
      long[] tokens = {72, 101, 108, 108, 111, 32, 119, 111, 114};
      float[] full = logits(model, tokens);
      int v = model.spec().vocabSize();
      try (NDManager m = model.manager().newSubManager(); KvCache cache = new KvCache(m, model.spec().numLayers())) {
        NDArray prefill = model.forward(m.create(new long[] {72, 101, 108, 108, 111}, new Shape(1, 5)), cache, false);
        assertThat(maxAbsDiff(prefill.toFloatArray(), 0, full, 0, 5 * v)).isLessThan(1e-4f);
        for (int pos = 5; pos < tokens.length; pos++) {
          float[] step = model.forward(m.create(new long[] {tokens[pos]}, new Shape(1, 1)), cache, false)
              .toFloatArray();
          assertThat(maxAbsDiff(step, 0, full, pos * v, v)).as("position %d", pos).isLessThan(1e-4f);
        }
        assertThat(cache.length()).isEqualTo(tokens.length);
      }
    }
  }

  @Test
  @DisplayName("greedy generation is deterministic and each token is the argmax of a full recomputation")
  void greedyGeneration() {
    try (CausalLm model = TestModels.tinyModel(6)) {
      Generator g = new Generator(model);
      int[] prompt = {65, 66, 67};
      int[] out = g.generate(prompt, 6, 0, 0, 1, -1);
      assertThat(out).hasSize(6).isEqualTo(g.generate(prompt, 6, 0, 0, 1, -1));
      long[] seq = new long[prompt.length + out.length];
      for (int i = 0; i < prompt.length; i++) {
        seq[i] = prompt[i];
      }
      for (int i = 0; i < out.length; i++) {
        seq[prompt.length + i] = out[i];
      }
      float[] full = logits(model, seq);
      int v = model.spec().vocabSize();
      for (int i = 0; i < out.length; i++) {
        float[] row = java.util.Arrays.copyOfRange(full, (prompt.length - 1 + i) * v, (prompt.length + i) * v);
        assertThat(Sampler.argmax(row)).isEqualTo(out[i]);
      }
      int[] sampled = g.generate(prompt, 6, 1.0, 20, 99, -1);
      assertThat(sampled).isEqualTo(g.generate(prompt, 6, 1.0, 20, 99, -1));
    }
  }

  @Test
  @DisplayName("a profile the model cannot represent is refused with the reason")
  void refusesBiases() {
    ModelProfile biased = TestModels.tiny().toBuilder().optAttentionBias(true).build();
    assertThatThrownBy(() -> new CausalLm(biased, Device.cpu(), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("biases");
  }
}
