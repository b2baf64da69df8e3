package io.deltachain.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedCheckpointTest {
  @TempDir Path dir;

  private static float[] ramp(int n, float start) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = start + i;
    }
    return v;
  }

  @Test
  @DisplayName("a checkpoint split by shard size reads back every tensor through its index")
  void splitAndReadBack() throws IOException {
    ShardedCheckpointWriter w = new ShardedCheckpointWriter(100); // bytes of data per shard
    for (int layer = 0; layer < 4; layer++) {
      w.addFloats("model.layers." + layer + ".w", DType.F32, new long[] {5, 3}, ramp(15, layer * 100)); // 60 bytes
    }
    w.addFloats("model.norm.weight", DType.BF16, new long[] {4}, ramp(4, 1));
    List<Path> files = w.write(dir);
    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
        "model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
        "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors", "model.safetensors.index.json");

    JsonObject index = new JsonObject(Files.readString(dir.resolve("model.safetensors.index.json")));
    assertThat(index.getJsonObject("metadata").getLong("total_size")).isEqualTo(4 * 60 + 8);
    assertThat(index.getJsonObject("weight_map").getString("model.layers.3.w")).isEqualTo("model-00004-of-00004.safetensors");
    assertThat(index.getJsonObject("weight_map").getString("model.norm.weight")).isEqualTo("model-00004-of-00004.safetensors");

    try (ShardedCheckpoint c = ShardedCheckpoint.open(dir)) {
      assertThat(c.names()).hasSize(5);
      assertThat(c.shards()).hasSize(4);
      for (int layer = 0; layer < 4; layer++) {
        assertThat(c.readFloats("model.layers." + layer + ".w")).isEqualTo(ramp(15, layer * 100));
      }
      assertThat(c.readFloats("model.norm.weight")).containsExactly(1, 2, 3, 4);
      assertThat(c.actualTotalSize()).isEqualTo(c.index().totalSize());
      for (SafeTensorsReader shard : c.shards().values()) {
        assertThat(shard.metadata()).containsEntry("format", "pt");
      }
    }
    // the index file itself opens the same checkpoint
    try (ShardedCheckpoint c = ShardedCheckpoint.open(dir.resolve("model.safetensors.index.json"))) {
      assertThat(c.info("model.layers.2.w").shape()).containsExactly(5, 3);
    }
  }

  @Test
  @DisplayName("a checkpoint that fits one shard is a single model.safetensors without index")
  void singleShard() throws IOException {
    List<Path> files = new ShardedCheckpointWriter(1 << 20)
        .addFloats("a", DType.F32, new long[] {2}, ramp(2, 0)).write(dir);
    assertThat(files).containsExactly(dir.resolve("model.safetensors"));
    try (ShardedCheckpoint c = ShardedCheckpoint.open(dir)) {
      assertThat(c.readFloats("a")).containsExactly(0f, 1f);
      assertThat(c.index().weightMap()).containsEntry("a", "model.safetensors");
    }
  }

  @Test
  @DisplayName("the index round-trips through JSON")
  void indexRoundTrip() throws IOException {
    TreeMap<String, String> wm = new TreeMap<>();
    wm.put("b", "s2.safetensors");
    wm.put("a", "s1.safetensors");
    SafeTensorsIndex idx = new SafeTensorsIndex(1234, wm);
    Path f = dir.resolve("i.json");
    idx.write(f);
    assertThat(SafeTensorsIndex.read(f)).isEqualTo(idx);
    assertThat(idx.shardFiles()).containsExactly("s1.safetensors", "s2.safetensors");
  }

  @Test
  @DisplayName("an index that lies about a shard, names a missing shard or escapes the directory is refused")
  void inconsistentIndex() throws IOException {
    new ShardedCheckpointWriter(70)
        .addFloats("a", DType.F32, new long[] {15}, ramp(15, 0))
        .addFloats("b", DType.F32, new long[] {15}, ramp(15, 0))
        .write(dir);
    Path index = dir.resolve(SafeTensorsIndex.FILE_NAME);
    String good = Files.readString(index);

    Files.writeString(index, good.replace("\"b\" : \"model-00002-of-00002", "\"b\" : \"model-00001-of-00002"));
    assertThatThrownBy(() -> ShardedCheckpoint.open(dir)).isInstanceOf(SafeTensorsFormatException.class)
        .hasMessageContaining("'b'").hasMessageContaining("does not hold it");

    Files.writeString(index, good.replace("model-00002-of-00002", "model-00009-of-00009"));
    assertThatThrownBy(() -> ShardedCheckpoint.open(dir)).isInstanceOf(SafeTensorsFormatException.class)
        .hasMessageContaining("does not exist");

    Files.writeString(index, good.replace("model-00002-of-00002", "../model-00002-of-00002"));
    assertThatThrownBy(() -> ShardedCheckpoint.open(dir)).isInstanceOf(SafeTensorsFormatException.class)
        .hasMessageContaining("not a plain file name");

    Files.write(index, "{\"weight_map\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ShardedCheckpoint.open(dir)).isInstanceOf(SafeTensorsFormatException.class)
        .hasMessageContaining("'a' is not a string");
  }
}
