package io.deltachain.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("ModelProfiles")
class ModelProfilesTest {

  static List<String> bundledNames() {
    return ModelProfiles.bundledNames();
  }

  @Test
  @DisplayName("the bundled profiles include the published models and the test models")
  void bundledList() {
    assertThat(ModelProfiles.bundledNames()).contains(
        "llama-3.1-8b", "llama-3.1-70b", "qwen3-8b", "qwen3-32b", "tiny-1m", "tiny-20m", "small-100m");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bundledNames")
  @DisplayName("every bundled profile parses and survives a config.json write and read unchanged")
  void bundledRoundTrip(String name, @TempDir Path dir) throws IOException {
    ModelProfile profile = ModelProfiles.bundled(name);
    assertThat(profile.name()).isEqualTo(name);
    Path file = dir.resolve(name).resolve("config.json");
    Files.createDirectories(file.getParent());
    ModelProfiles.writeConfigJson(profile, file);
    ModelProfile back = ModelProfiles.fromConfigJson(file);
    assertThat(back).isEqualTo(profile);
    assertThat(back.cost().totalParameters()).isEqualTo(profile.cost().totalParameters());
    // written configs keep the keys transformers needs, with the published values
    JsonObject written = new JsonObject(Files.readString(file));
    assertThat(written.getString("model_type")).isEqualTo(profile.family().modelType());
    assertThat(written.getInteger("num_hidden_layers")).isEqualTo(profile.numLayers());
  }

  @Test
  @DisplayName("Llama-3.1-8B reads with its published settings, including llama3 RoPE scaling")
  void llamaSettings() {
    ModelProfile p = ModelProfiles.bundled("llama-3.1-8b");
    assertThat(p.family()).isEqualTo(ModelFamily.LLAMA);
    assertThat(p.headDim()).isEqualTo(128);
    assertThat(p.headDimExplicit()).isFalse();
    assertThat(p.numKvHeads()).isEqualTo(8);
    assertThat(p.rmsNormEps()).isEqualTo(1e-5);
    assertThat(p.ropeTheta()).isEqualTo(500_000.0);
    assertThat(p.ropeScaling()).contains(RopeScaling.llama3(8, 1, 4, 8192));
    assertThat(p.maxPositionEmbeddings()).isEqualTo(131_072);
    assertThat(p.torchDtype()).isEqualTo("bfloat16");
    assertThat(p.qkNorm()).isFalse();
    assertThat(p.eosTokenIds()).containsExactly(128_001);
    assertThat(p.extras().getString("transformers_version")).isEqualTo("4.43.0.dev0");
  }

  @Test
  @DisplayName("Qwen3-32B keeps its explicit head_dim 128, which is not hidden/heads = 80")
  void qwenHeadDim() {
    ModelProfile p = ModelProfiles.bundled("qwen3-32b");
    assertThat(p.family()).isEqualTo(ModelFamily.QWEN3);
    assertThat(p.headDim()).isEqualTo(128);
    assertThat(p.hiddenSize() / p.numHeads()).isEqualTo(80);
    assertThat(p.qkNorm()).isTrue();
    assertThat(p.ropeScaling()).isEmpty();
    assertThat(p.ropeTheta()).isEqualTo(1e6);
  }

  @Test
  @DisplayName("an unknown bundled name is refused with the list of known names")
  void unknownBundled() {
    assertThatThrownBy(() -> ModelProfiles.bundled("llama-4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("llama-4")
        .hasMessageContaining("llama-3.1-8b, llama-3.1-70b")
        .hasMessageContaining("tiny-1m");
  }

  @Test
  @DisplayName("transformers v5's rope_parameters dict reads like rope_theta + rope_scaling")
  void ropeParametersForm() {
    JsonObject legacy = ModelProfiles.bundled("llama-3.1-8b").toConfigJson();
    JsonObject v5 = legacy.copy();
    v5.remove("rope_theta");
    v5.remove("rope_scaling");
    v5.remove("torch_dtype");
    v5.put("dtype", "bfloat16");
    v5.put("rope_parameters", new JsonObject()
        .put("rope_type", "llama3")
        .put("rope_theta", 500000.0)
        .put("factor", 8.0)
        .put("low_freq_factor", 1.0)
        .put("high_freq_factor", 4.0)
        .put("original_max_position_embeddings", 8192));
    ModelProfile fromV5 = ModelProfiles.fromConfigJson(v5.encode());
    ModelProfile fromLegacy = ModelProfiles.fromConfigJson(legacy.encode());
    assertThat(fromV5).isEqualTo(fromLegacy);

    JsonObject qwenV5 = ModelProfiles.bundled("qwen3-8b").toConfigJson();
    qwenV5.remove("rope_theta");
    qwenV5.remove("rope_scaling");
    qwenV5.put("rope_parameters", new JsonObject().put("rope_type", "default").put("rope_theta", 1000000));
    ModelProfile qwen = ModelProfiles.fromConfigJson(qwenV5.encode());
    assertThat(qwen.ropeTheta()).isEqualTo(1e6);
    assertThat(qwen.ropeScaling()).isEmpty();
  }

  @Test
  @DisplayName("a legacy rope_scaling with 'type' instead of 'rope_type' is accepted")
  void legacyRopeType() {
    JsonObject json = tinyJson();
    json.put("rope_scaling", new JsonObject().put("type", "linear").put("factor", 2.0));
    ModelProfile p = ModelProfiles.fromConfigJson(json.encode());
    assertThat(p.ropeScaling()).contains(RopeScaling.linear(2.0));
    double[] scaled = p.ropeInverseFrequencies();
    double[] plain = p.toBuilder().optRopeScaling(null).build().ropeInverseFrequencies();
    assertThat(scaled[3]).isEqualTo(plain[3] / 2.0);
  }

  @Test
  @DisplayName("llama3 RoPE keeps high frequencies, divides low ones by the factor, and blends between")
  void llama3Frequencies() {
    ModelProfile p = ModelProfiles.bundled("llama-3.1-8b");
    double[] inv = p.ropeInverseFrequencies();
    double[] plain = p.toBuilder().optRopeScaling(null).build().ropeInverseFrequencies();
    assertThat(inv).hasSize(64);
    assertThat(inv[0]).isEqualTo(1.0);
    assertThat(inv[63]).isEqualTo(plain[63] / 8.0);
    int blended = 0;
    for (int i = 0; i < inv.length; i++) {
      double wavelen = 2 * Math.PI / plain[i];
      if (wavelen < 8192 / 4.0) {
        assertThat(inv[i]).isEqualTo(plain[i]);
      } else if (wavelen > 8192 / 1.0) {
        assertThat(inv[i]).isEqualTo(plain[i] / 8.0);
      } else {
        blended++;
        assertThat(inv[i]).isStrictlyBetween(plain[i] / 8.0, plain[i]);
      }
    }
    assertThat(blended).isPositive();
  }

  @Test
  @DisplayName("qwen2 configs are tolerated: q/k/v carry biases without any config key")
  void qwen2Tolerated() {
    JsonObject json = tinyJson().put("model_type", "qwen2").put("architectures", List.of("Qwen2ForCausalLM"));
    json.remove("mlp_bias");
    json.remove("attention_bias");
    ModelProfile p = ModelProfiles.fromConfigJson(json.encode());
    assertThat(p.family()).isEqualTo(ModelFamily.QWEN2);
    assertThat(p.hasBias(ModelModule.Q_PROJ)).isTrue();
    assertThat(ModelProfiles.fromConfigJson(p.toConfigJson().encode())).isEqualTo(p);
  }

  @Test
  @DisplayName("model_type may be inferred from architectures; an eos list is kept as a list")
  void inferFamily() {
    JsonObject json = tinyJson().put("eos_token_id", List.of(1, 2, 3));
    json.remove("model_type");
    ModelProfile p = ModelProfiles.fromConfigJson(json.encode());
    assertThat(p.family()).isEqualTo(ModelFamily.LLAMA);
    assertThat(p.eosTokenIds()).containsExactly(1, 2, 3);
  }

  // ---- bad configs: each names the key (and the file) ----

  @Test
  @DisplayName("a missing hidden_size is named, with the file")
  void missingHiddenSize(@TempDir Path dir) throws IOException {
    JsonObject json = tinyJson();
    json.remove("hidden_size");
    Path file = dir.resolve("config.json");
    Files.writeString(file, json.encodePrettily());
    assertThatThrownBy(() -> ModelProfiles.fromConfigJson(file))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("hidden_size is missing")
        .satisfies(e -> assertThat(((ModelConfigException) e).problems()).hasSize(1));
  }

  @Test
  @DisplayName("a string where a number belongs is named with what was found")
  void stringForNumber() {
    assertProblem(j -> j.put("num_attention_heads", "4"),
        "num_attention_heads must be an integer, got string \"4\"");
    assertProblem(j -> j.put("rms_norm_eps", "tiny"), "rms_norm_eps must be a number, got string \"tiny\"");
    assertProblem(j -> j.put("hidden_size", 128.5), "hidden_size must be an integer, got number 128.5");
    assertProblem(j -> j.put("tie_word_embeddings", "no"), "tie_word_embeddings must be true or false");
  }

  @Test
  @DisplayName("negative or zero sizes are refused by key")
  void negativeLayers() {
    assertProblem(j -> j.put("num_hidden_layers", -2), "num_hidden_layers must be positive, got -2");
    assertProblem(j -> j.put("vocab_size", 0), "vocab_size must be positive, got 0");
  }

  @Test
  @DisplayName("heads that do not divide hidden_size need an explicit head_dim")
  void headsNotDividingHidden() {
    assertProblem(j -> j.put("num_attention_heads", 3).put("num_key_value_heads", 3),
        "hidden_size (128) is not divisible by num_attention_heads (3) and head_dim is not given");
    // with head_dim stated the same shape is fine
    JsonObject ok = tinyJson().put("num_attention_heads", 3).put("num_key_value_heads", 3).put("head_dim", 32);
    assertThat(ModelProfiles.fromConfigJson(ok.encode()).queryWidth()).isEqualTo(96);
  }

  @Test
  @DisplayName("kv heads that do not divide the heads are refused")
  void kvHeadsNotDividing() {
    assertProblem(j -> j.put("num_key_value_heads", 3),
        "num_key_value_heads (3) must divide num_attention_heads (4)");
  }

  @Test
  @DisplayName("an unsupported model_type, rope type, activation or dtype is named")
  void unsupportedValues() {
    assertProblem(j -> j.put("model_type", "mistral"), "model_type 'mistral' is not supported; supported: llama, qwen2, qwen3");
    assertProblem(j -> j.put("rope_scaling", new JsonObject().put("rope_type", "longrope")),
        "rope_scaling.rope_type 'longrope' is not supported");
    assertProblem(j -> j.put("hidden_act", "gelu"), "hidden_act must be 'silu'");
    assertProblem(j -> j.put("torch_dtype", "float64"), "torch_dtype must be one of [bfloat16, float16, float32]");
    assertProblem(j -> j.put("rope_scaling", new JsonObject().put("rope_type", "llama3").put("factor", 8.0)),
        "low_freq_factor is required for rope_type llama3");
    assertProblem(j -> j.put("architectures", List.of("Qwen3ForCausalLM")),
        "architectures [Qwen3ForCausalLM] contradicts LlamaForCausalLM");
  }

  @Test
  @DisplayName("a qwen3 config without head_dim is refused rather than guessed")
  void qwenNeedsHeadDim() {
    JsonObject json = ModelProfiles.bundled("qwen3-32b").toConfigJson();
    json.remove("head_dim");
    assertThatThrownBy(() -> ModelProfiles.fromConfigJson(json.encode()))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining("head_dim is missing; qwen3 configs must state it");
  }

  @Test
  @DisplayName("several problems in one file are reported together")
  void severalProblems() {
    JsonObject json = tinyJson().put("hidden_size", "128").put("num_hidden_layers", -1).put("rope_theta", "x");
    json.remove("vocab_size");
    ModelConfigException e = catchThrowableOfType(ModelConfigException.class,
        () -> ModelProfiles.fromConfigJson(json.encode()));
    assertThat(e.problems()).hasSize(4);
    assertThat(e.getMessage())
        .contains("hidden_size must be an integer")
        .contains("num_hidden_layers must be positive")
        .contains("rope_theta must be a number")
        .contains("vocab_size is missing");
  }

  @Test
  @DisplayName("a file that is not JSON, or is missing, gets a clear error naming it")
  void notJson(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{ \"hidden_size\": ");
    assertThatThrownBy(() -> ModelProfiles.fromConfigJson(file))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> ModelProfiles.fromConfigJson(dir.resolve("absent.json")))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining("absent.json")
        .hasMessageContaining("does not exist");
  }

  @Test
  @DisplayName("the builder validates like the parser and names the HF keys")
  void builderValidation() {
    ModelConfigException e = catchThrowableOfType(ModelConfigException.class, () -> ModelProfile.builder()
        .setName("x").setFamily(ModelFamily.LLAMA).setVocabSize(10).setHiddenSize(64)
        .setNumLayers(1).setNumHeads(4).optNumKvHeads(3).setIntermediateSize(100)
        .setMaxPositionEmbeddings(16).optHeadDim(15).build());
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "num_key_value_heads (3) must divide num_attention_heads (4) for grouped-query attention",
        "head_dim must be even for rotary embeddings, got 15");
  }

  @Test
  @DisplayName("the tiny profile's size stays near 1M parameters after a round trip through text")
  void tinyFromText() {
    ModelProfile p = ModelProfiles.fromConfigJson(tinyJson().encode());
    assertThat((double) p.cost().totalParameters()).isCloseTo(1e6, within(5e4));
  }

  private static JsonObject tinyJson() {
    JsonObject json = ModelProfiles.bundled("tiny-1m").toConfigJson();
    json.remove("_name_or_path");
    return json;
  }

  private static void assertProblem(Consumer<JsonObject> edit, String expected) {
    JsonObject json = tinyJson();
    edit.accept(json);
    assertThatThrownBy(() -> ModelProfiles.fromConfigJson(json.encode()))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining(expected);
  }
}
