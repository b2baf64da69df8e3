package io.deltachain.core.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.ContentHash;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeltaMetadataTest {
  static final ContentHash BASE = ContentHash.sha256(new byte[] {42});

  static DeltaMetadata.Builder lora() {
    return DeltaMetadata.builder().setKind(DeltaKind.LORA).setLayer("model.layers.15")
        .setModules(List.of("model.layers.15.self_attn.v_proj", "model.layers.15.self_attn.q_proj"))
        .setBaseHash(BASE).setRoundId(7).setTrainerId("A1B2C3")
        .setLora(8, 16f, List.of("v_proj", "q_proj"))
        .optEncoding(ValueEncoding.NF4).optDoubleQuant(true)
        .optMetric("loss_before", "2.31").optMetric("loss_after", "2.05");
  }

  @Test
  @DisplayName("LoRA metadata serializes to exactly the documented sorted keys and parses back")
  void loraRoundTrip() {
    DeltaMetadata m = lora().build();
    Map<String, String> map = m.toMap();
    TreeMap<String, String> expected = new TreeMap<>();
    expected.put("deltachain.schema", "1");
    expected.put("deltachain.kind", "lora");
    expected.put("deltachain.layer", "model.layers.15");
    expected.put("deltachain.modules", "[\"model.layers.15.self_attn.q_proj\",\"model.layers.15.self_attn.v_proj\"]");
    expected.put("deltachain.base_hash", BASE.hex());
    expected.put("deltachain.round_id", "7");
    expected.put("deltachain.trainer_id", "A1B2C3");
    expected.put("deltachain.encoding", "nf4");
    expected.put("deltachain.encoding.block_size", "64");
    expected.put("deltachain.encoding.double_quant", "true");
    expected.put("deltachain.lora.rank", "8");
    expected.put("deltachain.lora.alpha", "16.0");
    expected.put("deltachain.lora.target_modules", "[\"q_proj\",\"v_proj\"]");
    expected.put("deltachain.metric.loss_after", "2.05");
    expected.put("deltachain.metric.loss_before", "2.31");
    assertThat(map).containsExactlyEntriesOf(expected);
    DeltaMetadata back = DeltaMetadata.fromMap(map);
    assertThat(back).isEqualTo(m);
    assertThat(back.loraScaling()).isEqualTo(2f);
    assertThat(back.metrics()).containsEntry("loss_before", "2.31");
    assertThat(back.modules()).containsExactly("model.layers.15.self_attn.q_proj", "model.layers.15.self_attn.v_proj");
  }

  @Test
  @DisplayName("dense and sparse metadata round-trip; keys outside the namespace are ignored")
  void otherKinds() {
    DeltaMetadata dense = DeltaMetadata.builder().setKind(DeltaKind.DENSE).setLayer("model.layers.0")
        .setModules(List.of("model.layers.0.mlp.up_proj")).setBaseHash(BASE).setRoundId(0).setTrainerId("t")
        .optEncoding(ValueEncoding.INT8).build();
    TreeMap<String, String> withFormat = new TreeMap<>(dense.toMap());
    withFormat.put("format", "pt");
    assertThat(DeltaMetadata.fromMap(withFormat)).isEqualTo(dense);
    assertThat(dense.toMap()).doesNotContainKeys("deltachain.lora.rank", "deltachain.encoding.block_size");

    DeltaMetadata sparse = dense.toBuilder().setKind(DeltaKind.SPARSE).setSparseDensity(0.01).optEncoding(ValueEncoding.BF16).build();
    assertThat(DeltaMetadata.fromMap(sparse.toMap())).isEqualTo(sparse);
    assertThat(sparse.toMap()).containsEntry("deltachain.sparse.density", "0.01");
  }

  @Test
  @DisplayName("a missing or different schema version is rejected with a clear message")
  void version() {
    TreeMap<String, String> map = new TreeMap<>(lora().build().toMap());
    map.remove("deltachain.schema");
    assertThatThrownBy(() -> DeltaMetadata.fromMap(map)).isInstanceOf(InvalidDeltaMetadataException.class)
        .hasMessageContaining("no 'deltachain.schema'");
    map.put("deltachain.schema", "2");
    assertThatThrownBy(() -> DeltaMetadata.fromMap(map)).isInstanceOf(InvalidDeltaMetadataException.class)
        .hasMessageContaining("unsupported delta schema version '2'").hasMessageContaining("version 1");
  }

  @Test
  @DisplayName("each required key, when missing, is named")
  void missingKeys() {
    Map<String, String> good = lora().build().toMap();
    for (String key : List.of("deltachain.kind", "deltachain.layer", "deltachain.modules", "deltachain.base_hash",
        "deltachain.round_id", "deltachain.trainer_id", "deltachain.encoding", "deltachain.lora.rank",
        "deltachain.encoding.block_size")) {
      TreeMap<String, String> map = new TreeMap<>(good);
      map.remove(key);
      assertThatThrownBy(() -> DeltaMetadata.fromMap(map)).as(key).isInstanceOf(InvalidDeltaMetadataException.class)
          .hasMessageContaining(key.equals("deltachain.lora.rank") ? "'deltachain.lora.rank' is 0" : key);
    }
  }

  @Test
  @DisplayName("malformed and inconsistent values are rejected, naming the key")
  void badValues() {
    Map<String, String> good = lora().build().toMap();
    Object[][] cases = {
        {"deltachain.kind", "full", "expected dense, lora or sparse"},
        {"deltachain.base_hash", "abc", "deltachain.base_hash"},
        {"deltachain.round_id", "-1", "deltachain.round_id"},
        {"deltachain.round_id", "x", "not an integer"},
        {"deltachain.encoding", "int3", "expected one of"},
        {"deltachain.encoding.block_size", "60", "power of two"},
        {"deltachain.encoding.double_quant", "yes", "expected true or false"},
        {"deltachain.modules", "[\"model.layers.16.self_attn.q_proj\"]", "not inside layer"},
        {"deltachain.modules", "q_proj", "not a JSON array"},
        {"deltachain.lora.alpha", "-1", "positive finite"},
        {"deltachain.lora.target_modules", "[\"k_proj\"]", "not one of the LoRA target modules"},
        {"deltachain.unknown", "1", "unknown metadata key 'deltachain.unknown'"},
        {"deltachain.sparse.density", "0.5", "sparse density given for a lora delta"},
    };
    for (Object[] c : cases) {
      TreeMap<String, String> map = new TreeMap<>(good);
      map.put((String) c[0], (String) c[1]);
      assertThatThrownBy(() -> DeltaMetadata.fromMap(map)).as("%s=%s", c[0], c[1])
          .isInstanceOf(InvalidDeltaMetadataException.class).hasMessageContaining((String) c[2]);
    }
    assertThatThrownBy(() -> lora().optEncoding(ValueEncoding.FP16).build())
        .hasMessageContaining("int4 and nf4 only");
    assertThatThrownBy(() -> DeltaMetadata.builder().setKind(DeltaKind.DENSE).setLayer("l").setModules(List.of("l.m"))
        .setBaseHash(BASE).setRoundId(1).setTrainerId("t").setLora(1, 1f, List.of("m")).build())
        .hasMessageContaining("LoRA settings given for a dense delta");
  }
}
