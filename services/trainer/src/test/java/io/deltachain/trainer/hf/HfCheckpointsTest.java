package io.deltachain.trainer.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.tensor.DType;
import io.deltachain.core.tensor.SafeTensorsReader;
import io.deltachain.core.tensor.SafeTensorsWriter;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.model.CausalLm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointsTest {

  @Test
  @DisplayName("saving then loading a single-file checkpoint gives bitwise the same logits")
  void singleFileRoundTrip(@TempDir Path dir) throws IOException {
    try (CausalLm model = new CausalLm(ModelProfiles.bundled("tiny-qwen3-1m"), Device.cpu(), 8)) {
      float[] before = TestModels.probeLogits(model);
      HfCheckpoints.save(model, dir, DType.F32, HfCheckpoints.DEFAULT_SHARD_BYTES);
      assertThat(dir.resolve("model.safetensors")).isRegularFile();
      assertThat(dir.resolve("config.json")).isRegularFile();
      try (SafeTensorsReader r = SafeTensorsReader.open(dir.resolve("model.safetensors"))) {
        assertThat(r.names()).contains("model.layers.0.self_attn.q_norm.weight", "lm_head.weight");
        assertThat(r.metadata()).containsEntry("format", "pt");
      }
      try (CausalLm loaded = HfCheckpoints.load(dir, Device.cpu())) {
        assertThat(loaded.spec().qkNorm()).isTrue();
        assertThat(TestModels.probeLogits(loaded)).isEqualTo(before);
      }
    }
  }

  @Test
  @DisplayName("a sharded bf16 checkpoint loads (bf16 widened in Java) with logits within bf16 rounding")
  void shardedBf16(@TempDir Path dir) throws IOException {
    try (CausalLm model = TestModels.tinyModel(9)) {
      float[] before = TestModels.probeLogits(model);
      HfCheckpoints.save(model, dir, DType.BF16, 40_000);
      assertThat(dir.resolve("model.safetensors.index.json")).isRegularFile();
      assertThat(Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".safetensors")).count())
          .isGreaterThan(1);
      try (CausalLm loaded = HfCheckpoints.load(dir, Device.cpu())) {
        float diff = TestModels.maxAbsDiff(before, TestModels.probeLogits(loaded));
        assertThat(diff).isGreaterThan(0f).isLessThan(0.05f);
      }
    }
  }

  @Test
  @DisplayName("a checkpoint with a tensor of the wrong shape is refused naming the tensor")
  void wrongShape(@TempDir Path dir) throws IOException {
    try (CausalLm model = TestModels.tinyModel(9)) {
      HfCheckpoints.save(model, dir, DType.F32, HfCheckpoints.DEFAULT_SHARD_BYTES);
    }
    Path file = dir.resolve("model.safetensors");
    SafeTensorsWriter w = new SafeTensorsWriter();
    try (SafeTensorsReader r = SafeTensorsReader.open(file)) {
      for (String n : r.names()) {
        if (n.equals("model.norm.weight")) {
          w.addFloats(n, new long[] {3}, new float[3]);
        } else {
          w.addFrom(r, n);
        }
      }
      w.write(dir.resolve("tmp.safetensors"));
    }
    Files.move(dir.resolve("tmp.safetensors"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> HfCheckpoints.load(dir, Device.cpu())).isInstanceOf(IOException.class)
        .hasMessageContaining("model.norm.weight");
  }
}
