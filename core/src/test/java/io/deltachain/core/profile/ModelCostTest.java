package io.deltachain.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ModelCost")
class ModelCostTest {

  @ParameterizedTest(name = "{0}: {1} parameters in total, {2} per layer")
  @CsvSource({
    "llama-3.1-8b,  8030261248,  218112000",
    "llama-3.1-70b, 70553706496, 855654400",
    "qwen3-8b,      8190735360,  192946432",
    "qwen3-32b,     32762123264, 487598336"
  })
  @DisplayName("the published models have exactly their published parameter counts")
  void publishedCounts(String name, long total, long perLayer) {
    ModelCost cost = ModelProfiles.bundled(name).cost();
    assertThat(cost.parametersPerLayer()).isEqualTo(perLayer);
    assertThat(cost.totalParameters()).isEqualTo(total);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama-3.1-8b", "qwen3-32b", "small-100m", "tiny-qwen3-1m"})
  @DisplayName("the total equals the sum of every tensor's elements, as a safetensors file would hold them")
  void totalMatchesTensorList(String name) {
    ModelProfile profile = ModelProfiles.bundled(name);
    long sum = profile.tensors().stream().mapToLong(TensorSpec::elements).sum();
    assertThat(sum).isEqualTo(profile.cost().totalParameters());
  }

  @Test
  @DisplayName("Llama-3.1-8B's modules have the shapes of its safetensors index")
  void llamaModuleCounts() {
    ModelProfile p = ModelProfiles.bundled("llama-3.1-8b");
    Map<ModelModule, Long> m = p.cost().parametersByModule();
    assertThat(m.get(ModelModule.EMBED_TOKENS)).isEqualTo(128_256L * 4096);
    assertThat(m.get(ModelModule.Q_PROJ)).isEqualTo(4096L * 4096);
    assertThat(m.get(ModelModule.K_PROJ)).isEqualTo(1024L * 4096);
    assertThat(m.get(ModelModule.V_PROJ)).isEqualTo(1024L * 4096);
    assertThat(m.get(ModelModule.O_PROJ)).isEqualTo(4096L * 4096);
    assertThat(m.get(ModelModule.GATE_PROJ)).isEqualTo(14_336L * 4096);
    assertThat(m.get(ModelModule.DOWN_PROJ)).isEqualTo(4096L * 14_336);
    assertThat(m.get(ModelModule.INPUT_LAYERNORM)).isEqualTo(4096L);
    assertThat(m.get(ModelModule.Q_NORM)).isZero();
    assertThat(m.get(ModelModule.LM_HEAD)).isEqualTo(128_256L * 4096);
    assertThat(p.tensors())
        .filteredOn(t -> t.name().equals("model.layers.31.self_attn.k_proj.weight"))
        .singleElement()
        .satisfies(t -> assertThat(t.shape()).containsExactly(1024L, 4096L));
    // bf16 bytes of all tensors: the safetensors index's metadata.total_size
    assertThat(2 * p.cost().totalParameters()).isEqualTo(16_060_522_496L);
  }

  @Test
  @DisplayName("Qwen3-32B has per-head q/k norms and a query width (8192) wider than hidden (5120)")
  void qwenShapes() {
    ModelProfile p = ModelProfiles.bundled("qwen3-32b");
    ModelCost cost = p.cost();
    assertThat(cost.parameters(ModelModule.Q_NORM)).isEqualTo(128);
    assertThat(cost.parameters(ModelModule.K_NORM)).isEqualTo(128);
    assertThat(p.weightShape(ModelModule.Q_PROJ)).containsExactly(8192L, 5120L);
    assertThat(p.weightShape(ModelModule.O_PROJ)).containsExactly(5120L, 8192L);
    // model card: 31.2B non-embedding parameters
    assertThat(cost.nonEmbeddingParameters() / 1e9).isCloseTo(31.2, within(0.05));
  }

  @Test
  @DisplayName("the small profiles are near their nominal sizes: 1M, 20M and 100M")
  void smallProfileSizes() {
    long tiny1 = ModelProfiles.bundled("tiny-1m").cost().totalParameters();
    long tinyQwen = ModelProfiles.bundled("tiny-qwen3-1m").cost().totalParameters();
    long tiny20 = ModelProfiles.bundled("tiny-20m").cost().totalParameters();
    long small = ModelProfiles.bundled("small-100m").cost().totalParameters();
    System.out.printf("tiny-1m %,d  tiny-qwen3-1m %,d  tiny-20m %,d  small-100m %,d%n", tiny1, tinyQwen, tiny20, small);
    assertThat((double) tiny1).isCloseTo(1e6, within(0.05e6));
    assertThat((double) tinyQwen).isCloseTo(1e6, within(0.05e6));
    assertThat((double) tiny20).isCloseTo(20e6, within(1e6));
    assertThat((double) small).isCloseTo(100e6, within(5e6));
  }

  @Test
  @DisplayName("tied embeddings drop the lm_head tensor and its parameters")
  void tiedEmbeddings() {
    ModelProfile small = ModelProfiles.bundled("small-100m");
    assertThat(small.tieWordEmbeddings()).isTrue();
    assertThat(small.cost().parameters(ModelModule.LM_HEAD)).isZero();
    assertThat(small.tensors()).noneMatch(t -> t.name().startsWith("lm_head"));
    ModelProfile untied = small.toBuilder().optTieWordEmbeddings(false).build();
    assertThat(untied.cost().totalParameters() - small.cost().totalParameters())
        .isEqualTo(32_000L * 768);
  }

  @Test
  @DisplayName("biases add one vector per biased projection: Llama attention_bias, Qwen2 q/k/v")
  void biases() {
    ModelProfile tiny = ModelProfiles.bundled("tiny-1m");
    ModelProfile biased = tiny.toBuilder().optAttentionBias(true).optMlpBias(true).build();
    long qkvo = tiny.queryWidth() + 2 * tiny.keyValueWidth() + tiny.hiddenSize();
    long mlp = 2L * tiny.intermediateSize() + tiny.hiddenSize();
    assertThat(biased.cost().parametersPerLayer() - tiny.cost().parametersPerLayer()).isEqualTo(qkvo + mlp);
    assertThat(biased.tensors()).anyMatch(t -> t.name().equals("model.layers.0.self_attn.o_proj.bias"));

    ModelProfile qwen2 = tiny.toBuilder().setFamily(ModelFamily.QWEN2).optArchitectures(null).build();
    assertThat(qwen2.cost().parametersPerLayer() - tiny.cost().parametersPerLayer())
        .isEqualTo(tiny.queryWidth() + 2 * tiny.keyValueWidth());
    assertThat(qwen2.hasBias(ModelModule.O_PROJ)).isFalse();
  }

  @Test
  @DisplayName("forward FLOPs are 2 per weight plus 4*s*heads*head_dim attention; backward doubles them")
  void flops() {
    ModelProfile p = ModelProfiles.bundled("llama-3.1-8b");
    ModelCost cost = p.cost();
    long linearWeights = 218_112_000L - 2 * 4096;
    assertThat(cost.linearWeightsPerLayer()).isEqualTo(linearWeights);
    long seq = 2048;
    long perLayer = 2 * linearWeights + 4 * seq * 32 * 128;
    assertThat(cost.forwardFlopsPerTokenPerLayer((int) seq)).isEqualTo(perLayer);
    assertThat(cost.backwardFlopsPerTokenPerLayer((int) seq)).isEqualTo(2 * perLayer);
    long forward = 32 * perLayer + 2L * 128_256 * 4096;
    assertThat(cost.forwardFlopsPerToken((int) seq)).isEqualTo(forward);
    assertThat(cost.trainingFlopsPerToken((int) seq, false)).isEqualTo(3 * forward);
    assertThat(cost.trainingFlopsPerToken((int) seq, true)).isEqualTo(3 * forward + 32 * perLayer);
    // the usual rule of thumb: training costs about 6 FLOPs per parameter per token
    double perParam = cost.trainingFlopsPerToken((int) seq, false) / (double) cost.totalParameters();
    System.out.printf("llama-3.1-8b: forward %.3e FLOP/token at seq 2048; training %.2f FLOP/param/token%n",
        (double) forward, perParam);
    assertThat(perParam).isBetween(5.5, 7.0);
  }

  @Test
  @DisplayName("a layer's HF tensor names follow the module paths")
  void tensorNames() {
    List<TensorSpec> layer = ModelProfiles.bundled("tiny-qwen3-1m").layerTensors(2);
    assertThat(layer).extracting(TensorSpec::name).containsExactly(
        "model.layers.2.input_layernorm.weight",
        "model.layers.2.self_attn.q_proj.weight",
        "model.layers.2.self_attn.k_proj.weight",
        "model.layers.2.self_attn.v_proj.weight",
        "model.layers.2.self_attn.o_proj.weight",
        "model.layers.2.self_attn.q_norm.weight",
        "model.layers.2.self_attn.k_norm.weight",
        "model.layers.2.post_attention_layernorm.weight",
        "model.layers.2.mlp.gate_proj.weight",
        "model.layers.2.mlp.up_proj.weight",
        "model.layers.2.mlp.down_proj.weight");
  }
}
