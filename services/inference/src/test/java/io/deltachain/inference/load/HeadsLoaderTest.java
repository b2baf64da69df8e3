package io.deltachain.inference.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.tensor.SafeTensorsWriter;
import io.deltachain.trainer.model.CausalLm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadsLoaderTest {
  private static final String LAYER = "model.layers.1";

  /** A checkpoint of layer 1 taken from another model: its bytes and hash. */
  private static byte[] checkpoint(Path dir, CausalLm donor, String extraName) throws IOException {
    SafeTensorsWriter w = new SafeTensorsWriter().putMetadata("layer", LAYER);
    donor.parameters().forEach((name, p) -> {
      if (name.startsWith(LAYER + ".")) {
        w.addFloats(name, p.getArray().getShape().getShape(), p.getArray().toFloatArray());
      }
    });
    if (extraName != null) {
      w.addFloats(extraName, new long[] {2}, new float[] {1, 2});
    }
    Path f = dir.resolve("ckpt-" + System.nanoTime() + ".safetensors");
    w.write(f);
    return Files.readAllBytes(f);
  }

  @Test
  @DisplayName("the heads' checkpoints are verified by hash and written into exactly their layer")
  void appliesHeads(@TempDir Path dir) throws IOException {
    try (CausalLm base = new CausalLm(ModelProfiles.bundled("tiny-1m"), Device.cpu(), 1);
        CausalLm donor = new CausalLm(ModelProfiles.bundled("tiny-1m"), Device.cpu(), 2)) {
      byte[] bytes = checkpoint(dir, donor, null);
      ContentHash hash = ContentHash.sha256(bytes);
      Map<ContentHash, byte[]> store = new HashMap<>(Map.of(hash, bytes));
      Map<String, float[]> before = new HashMap<>();
      base.parameters().forEach((n, p) -> before.put(n, p.getArray().toFloatArray()));

      List<HeadsLoader.Applied> applied = HeadsLoader.apply(base, Map.of(LAYER, hash.hex()), store::get);

      assertThat(applied).containsExactly(new HeadsLoader.Applied(LAYER, hash, 9));
      base.parameters().forEach((n, p) -> {
        float[] now = p.getArray().toFloatArray();
        if (n.startsWith(LAYER + ".")) {
          assertThat(now).as(n).containsExactly(donor.parameters().get(n).getArray().toFloatArray());
        } else {
          assertThat(now).as(n).containsExactly(before.get(n));
        }
      });
    }
  }

  @Test
  @DisplayName("tampered bytes, a foreign tensor or a missing checkpoint are refused with the reason")
  void refusals(@TempDir Path dir) throws IOException {
    try (CausalLm base = new CausalLm(ModelProfiles.bundled("tiny-1m"), Device.cpu(), 1);
        CausalLm donor = new CausalLm(ModelProfiles.bundled("tiny-1m"), Device.cpu(), 2)) {
      byte[] good = checkpoint(dir, donor, null);
      ContentHash hash = ContentHash.sha256(good);
      byte[] tampered = good.clone();
      tampered[tampered.length - 1] ^= 1;
      float[] q = base.parameters().get(LAYER + ".self_attn.q_proj.weight").getArray().toFloatArray();
      assertThatThrownBy(() -> HeadsLoader.apply(base, Map.of(LAYER, hash.hex()), h -> tampered))
          .hasMessageContaining("hashes to").hasMessageContaining(hash.hex());
      assertThat(base.parameters().get(LAYER + ".self_attn.q_proj.weight").getArray().toFloatArray()).containsExactly(q);

      byte[] foreign = checkpoint(dir, donor, "model.layers.0.extra");
      ContentHash fh = ContentHash.sha256(foreign);
      assertThatThrownBy(() -> HeadsLoader.apply(base, Map.of(LAYER, fh.hex()), h -> foreign))
          .hasMessageContaining("model.layers.0.extra").hasMessageContaining("outside that layer");
      assertThat(base.parameters().get(LAYER + ".self_attn.q_proj.weight").getArray().toFloatArray()).containsExactly(q);

      assertThatThrownBy(() -> HeadsLoader.apply(base, Map.of(LAYER, hash.hex()), h -> {
        throw new IOException("no content " + h.hex() + " in the store");
      })).hasMessageContaining("no content");
    }
  }
}
