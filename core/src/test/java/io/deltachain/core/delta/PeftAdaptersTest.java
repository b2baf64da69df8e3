package io.deltachain.core.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tensor.DType;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.core.tensor.SafeTensorsFormatException;
import io.deltachain.core.tensor.SafeTensorsReader;
import io.deltachain.core.tensor.SafeTensorsWriter;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdaptersTest {
  static final String Q = "model.layers.0.self_attn.q_proj";
  static final String V = "model.layers.0.self_attn.v_proj";

  @TempDir Path dir;

  static DeltaFile loraDelta() {
    DeltaMetadata m = DeltaMetadata.builder().setKind(DeltaKind.LORA).setLayer("model.layers.0")
        .setModules(List.of(Q, V)).setBaseHash(ContentHash.sha256(new byte[] {1})).setRoundId(2).setTrainerId("t")
        .setLora(4, 16f, List.of("q_proj", "v_proj")).build();
    return DeltaFile.of(m, Map.of(
        Q + ".lora_A.weight", FloatTensor.of(DeltaFileTest.gaussian(4 * 32, 1), 4, 32),
        Q + ".lora_B.weight", FloatTensor.of(DeltaFileTest.gaussian(32 * 4, 2), 32, 4),
        V + ".lora_A.weight", FloatTensor.of(DeltaFileTest.gaussian(4 * 32, 3), 4, 32),
        V + ".lora_B.weight", FloatTensor.of(DeltaFileTest.gaussian(8 * 4, 4), 8, 4)));
  }

  @Test
  @DisplayName("export writes PEFT's file names, keys, shapes, metadata and config; import reads it back exactly")
  void roundTrip() throws IOException {
    DeltaFile delta = loraDelta();
    PeftAdapters.export(delta, "meta-llama/Llama-3.1-8B", dir);
    try (SafeTensorsReader r = SafeTensorsReader.open(dir.resolve("adapter_model.safetensors"))) {
      assertThat(r.names()).containsExactlyInAnyOrder(
          "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
          "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
          "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight",
          "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight");
      assertThat(r.info("base_model.model." + Q + ".lora_A.weight").shape()).containsExactly(4, 32);
      assertThat(r.info("base_model.model." + V + ".lora_B.weight").shape()).containsExactly(8, 4);
      assertThat(r.info("base_model.model." + V + ".lora_B.weight").dtype()).isEqualTo(DType.F32);
      assertThat(r.metadata()).containsExactly(Map.entry("format", "pt"));
    }
    JsonObject config = new JsonObject(Files.readString(dir.resolve("adapter_config.json")));
    assertThat(config.getString("peft_type")).isEqualTo("LORA");
    assertThat(config.getString("task_type")).isEqualTo("CAUSAL_LM");
    assertThat(config.getInteger("r")).isEqualTo(4);
    assertThat(config.getValue("lora_alpha")).isEqualTo(16);
    assertThat(config.getDouble("lora_dropout")).isZero();
    assertThat(config.getJsonArray("target_modules").getList()).containsExactly("q_proj", "v_proj");
    assertThat(config.getString("base_model_name_or_path")).isEqualTo("meta-llama/Llama-3.1-8B");
    assertThat(config.getString("bias")).isEqualTo("none");
    assertThat(config.getBoolean("fan_in_fan_out")).isFalse();
    assertThat(config.getBoolean("inference_mode")).isTrue();
    assertThat(config.getBoolean("use_rslora")).isFalse();

    LoraAdapter back = PeftAdapters.importAdapter(dir);
    assertThat(back.rank()).isEqualTo(4);
    assertThat(back.alpha()).isEqualTo(16f);
    assertThat(back.targetModules()).containsExactly("q_proj", "v_proj");
    assertThat(back.baseModelNameOrPath()).isEqualTo("meta-llama/Llama-3.1-8B");
    assertThat(back.tensors()).containsExactlyInAnyOrderEntriesOf(delta.tensors());
    assertThat(back.modules()).containsExactly(Q, V);

    DeltaFile again = back.toDeltaFile(delta.metadata().toBuilder(), "model.layers.0");
    assertThat(again.metadata()).isEqualTo(delta.metadata());
    assertThat(again.tensors()).isEqualTo(delta.tensors());
  }

  @Test
  @DisplayName("a BF16 export reads back as the rounded values")
  void bf16Export() throws IOException {
    LoraAdapter a = LoraAdapter.fromDeltaFile(loraDelta(), null);
    PeftAdapters.export(a, dir, DType.BF16);
    LoraAdapter back = PeftAdapters.importAdapter(dir);
    float[] x = a.tensors().get(Q + ".lora_B.weight").data();
    float[] y = back.tensors().get(Q + ".lora_B.weight").data();
    for (int i = 0; i < x.length; i++) {
      assertThat(Math.abs(x[i] - y[i])).isLessThanOrEqualTo(Math.abs(x[i]) * 0x1p-8f);
    }
    assertThat(back.baseModelNameOrPath()).isNull();
  }

  private void writeConfig(String json) throws IOException {
    Files.writeString(dir.resolve("adapter_config.json"), json);
  }

  private void writeWeights(Map<String, long[]> shapes) throws IOException {
    SafeTensorsWriter w = new SafeTensorsWriter();
    shapes.forEach((k, s) -> w.addFloats(k, s, new float[(int) (s[0] * s[1])]));
    w.write(dir.resolve("adapter_model.safetensors"));
  }

  @Test
  @DisplayName("import refuses adapters it cannot represent, naming the setting, key or shape")
  void importValidation() throws IOException {
    String a = "base_model.model." + Q + ".lora_A.weight";
    String b = "base_model.model." + Q + ".lora_B.weight";
    writeWeights(Map.of(a, new long[] {4, 32}, b, new long[] {32, 4}));
    String ok = "{\"peft_type\":\"LORA\",\"r\":4,\"lora_alpha\":8,\"target_modules\":[\"q_proj\"]}";
    writeConfig(ok);
    assertThat(PeftAdapters.importAdapter(dir).modules()).containsExactly(Q);

    writeConfig(ok.replace("\"r\":4", "\"r\":4,\"use_rslora\":true"));
    assertThatThrownBy(() -> PeftAdapters.importAdapter(dir)).isInstanceOf(SafeTensorsFormatException.class)
        .hasMessageContaining("use_rslora");
    writeConfig(ok.replace("LORA", "IA3"));
    assertThatThrownBy(() -> PeftAdapters.importAdapter(dir)).hasMessageContaining("only LORA");
    writeConfig(ok.replace("\"r\":4", "\"r\":8"));
    assertThatThrownBy(() -> PeftAdapters.importAdapter(dir)).hasMessageContaining("expected [8, in]");
    writeConfig(ok.replace("q_proj", "k_proj"));
    assertThatThrownBy(() -> PeftAdapters.importAdapter(dir)).hasMessageContaining("not among target_modules");
    writeConfig(ok.replace("\"r\":4", "\"r\":4,\"rank_pattern\":{\"q_proj\":2}"));
    assertThatThrownBy(() -> PeftAdapters.importAdapter(dir)).hasMessageContaining("rank_pattern");
    writeConfig(ok.replace("[\"q_proj\"]", "\".*\\\\.q_proj\""));
    assertThat(PeftAdapters.importAdapter(dir).targetModules()).containsExactly("q_proj");

    writeConfig(ok);
    writeWeights(Map.of(a, new long[] {4, 32}));
    assertThatThrownBy(() -> PeftAdapters.importAdapter(dir)).hasMessageContaining("only its lora_A factor");
    writeWeights(Map.of(a, new long[] {4, 32}, b, new long[] {32, 4}, "base_model.model." + Q + ".bias", new long[] {1, 32}));
    assertThatThrownBy(() -> PeftAdapters.importAdapter(dir)).hasMessageContaining("unexpected key")
        .hasMessageContaining(".bias");
    Files.delete(dir.resolve("adapter_model.safetensors"));
    assertThatThrownBy(() -> PeftAdapters.importAdapter(dir)).hasMessageContaining("adapter_model.safetensors");
  }

  @Test
  @DisplayName("only LoRA deltas export")
  void onlyLora() {
    DeltaMetadata dense = DeltaFileTest.dense(ValueEncoding.FP32).build();
    DeltaFile d = DeltaFile.of(dense, DeltaFileTest.denseTensors());
    assertThatThrownBy(() -> PeftAdapters.export(d, "x", dir)).hasMessageContaining("only a LoRA delta");
  }
}
