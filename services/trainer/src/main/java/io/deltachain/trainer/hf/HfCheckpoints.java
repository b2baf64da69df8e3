package io.deltachain.trainer.hf;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.tensor.DType;
import io.deltachain.core.tensor.ShardedCheckpoint;
import io.deltachain.core.tensor.ShardedCheckpointWriter;
import io.deltachain.core.tensor.TensorInfo;
import io.deltachain.trainer.model.CausalLm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/** Loads and saves {@link CausalLm} weights as Hugging Face checkpoints. */
public final class HfCheckpoints {
  /** Default shard size when saving, as transformers' {@code max_shard_size="5GB"}. */
  public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;

  private HfCheckpoints() {
  }

  /**
   * Opens a checkpoint directory ({@code config.json} plus {@code model.safetensors} or a sharded
   * index) as a new model.
   *
   * @param dir the directory
   * @param device where to put the weights
   * @return the loaded model
   * @throws IOException if files are missing or tensors do not fit the config
   */
  public static CausalLm load(Path dir, Device device) throws IOException {
    Path config = dir.resolve("config.json");
    if (!Files.isRegularFile(config)) {
      throw new IOException("no config.json in " + dir);
    }
    ModelProfile profile = ModelProfiles.fromConfigJson(config);
    CausalLm model = new CausalLm(profile, device, 0);
    try {
      loadInto(model, dir);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /**
   * Overwrites every dense tensor of a model from a checkpoint; every model tensor must be
   * present with its shape (adapters excepted), and unknown tensors are refused.
   *
   * @param model the model
   * @param dir checkpoint directory or safetensors file
   * @throws IOException on a missing, misshapen or unknown tensor
   */
  public static void loadInto(CausalLm model, Path dir) throws IOException {
    try (ShardedCheckpoint ckpt = ShardedCheckpoint.open(dir)) {
      TreeSet<String> unused = new TreeSet<>(ckpt.names());
      for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
        String name = e.getKey();
        if (name.contains(".lora_")) {
          continue;
        }
        if (!ckpt.contains(name)) {
          throw new IOException("checkpoint " + dir + " lacks tensor " + name);
        }
        TensorInfo info = ckpt.info(name);
        Shape expected = e.getValue().getArray().getShape();
        if (!Arrays.equals(info.shape(), expected.getShape())) {
          throw new IOException("tensor " + name + " is " + Arrays.toString(info.shape()) + " in " + dir
              + " but the config implies " + expected);
        }
        model.setWeight(name, ckpt.readFloats(name), expected);
        unused.remove(name);
      }
      unused.removeIf(n -> n.endsWith("rotary_emb.inv_freq"));
      if (!unused.isEmpty()) {
        throw new IOException("checkpoint " + dir + " holds tensors the model does not have: " + unused);
      }
    }
  }

  /**
   * Writes the model's dense weights (adapters excluded; merge them first if wanted) and its
   * config.json.
   *
   * @param model the model
   * @param dir target directory
   * @param dtype stored dtype (F32, F16 or BF16; narrowing happens in Java)
   * @param maxShardBytes shard size; a model that fits in one shard is written as model.safetensors
   * @throws IOException on write failure
   */
  public static void save(CausalLm model, Path dir, DType dtype, long maxShardBytes) throws IOException {
    if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
      throw new IllegalArgumentException("checkpoints are saved as F32, F16 or BF16, not " + dtype);
    }
    if (!model.quantizedWeights().isEmpty()) {
      throw new IllegalStateException("the model holds quantised base weights; save the dense base instead");
    }
    Files.createDirectories(dir);
    ShardedCheckpointWriter w = new ShardedCheckpointWriter(maxShardBytes).putMetadata("format", "pt");
    for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
      if (e.getKey().contains(".lora_")) {
        continue;
      }
      var arr = e.getValue().getArray();
      w.addFloats(e.getKey(), dtype, arr.getShape().getShape(), arr.toFloatArray());
    }
    w.write(dir);
    String torchDtype = switch (dtype) {
      case F16 -> "float16";
      case BF16 -> "bfloat16";
      default -> "float32";
    };
    ModelProfiles.writeConfigJson(model.spec().toBuilder().optTorchDtype(torchDtype).build(),
        dir.resolve("config.json"));
  }
}
