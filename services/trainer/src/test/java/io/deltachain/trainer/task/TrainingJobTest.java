package io.deltachain.trainer.task;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.delta.DeltaKind;
import io.deltachain.core.delta.DeltaMetadata;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.tensor.SafeTensorsReader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingJobTest {

  static TrainingTask task(String id, TrainingMode mode, int first, int last, String base) {
    return new TrainingTask(id, 3, "tiny-1m", base, "", mode, first, last, 4, 8,
        List.of("q_proj", "v_proj"), "europarl:400", "bytes", "", 17, 1, 4, 4, 4, 32, 3e-3, "fp32");
  }

  @Test
  @DisplayName("a LoRA task writes one LoRA delta per assigned layer with metrics, and a PEFT adapter with PEFT names and shapes")
  void loraJob(@TempDir Path dir) throws Exception {
    TrainingJob job = new TrainingJob(dir, "trainer-a", Device.cpu());
    List<JobProgress> progress = new ArrayList<>();
    JobResult r = job.run(task("t-lora", TrainingMode.LORA, 1, 2, "random:5"), progress::add, () -> false);
    assertThat(progress).hasSize(4);
    assertThat(progress.get(3).step()).isEqualTo(4);
    assertThat(r.deltaFiles()).hasSize(2);
    DeltaMetadata m = DeltaFile.readMetadata(r.deltaFiles().get(0));
    assertThat(m.kind()).isEqualTo(DeltaKind.LORA);
    assertThat(m.layer()).isEqualTo("model.layers.1");
    assertThat(m.loraRank()).isEqualTo(4);
    assertThat(m.trainerId()).isEqualTo("trainer-a");
    assertThat(m.metrics()).containsKeys("loss_before", "loss_after", "heldout_loss_before", "heldout_loss_after",
        "tokens", "steps", "wall_time_s");
    assertThat(m.metrics().get("tokens")).isEqualTo(Long.toString(4L * 4 * 32));
    DeltaFile d = DeltaFile.read(r.deltaFiles().get(1));
    assertThat(d.tensors().keySet()).containsExactly(
        "model.layers.2.self_attn.q_proj.lora_A.weight", "model.layers.2.self_attn.q_proj.lora_B.weight",
        "model.layers.2.self_attn.v_proj.lora_A.weight", "model.layers.2.self_attn.v_proj.lora_B.weight");

    Path peft = r.peftAdapter();
    JsonObject cfg = new JsonObject(Files.readString(peft.resolve("adapter_config.json")));
    assertThat(cfg.getString("peft_type")).isEqualTo("LORA");
    assertThat(cfg.getInteger("r")).isEqualTo(4);
    assertThat(cfg.getInteger("lora_alpha")).isEqualTo(8);
    assertThat(cfg.getJsonArray("target_modules").getList()).containsExactly("q_proj", "v_proj");
    try (SafeTensorsReader st = SafeTensorsReader.open(peft.resolve("adapter_model.safetensors"))) {
      assertThat(st.names()).hasSize(8).allMatch(n -> n.startsWith("base_model.model.model.layers."));
      assertThat(st.info("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight").shape())
          .containsExactly(4, 128);
      assertThat(st.info("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").shape())
          .containsExactly(64, 4);
    }
  }

  @Test
  @DisplayName("a task naming a layer checkpoint builds on it: the base is the seed model with the checkpoint's verified tensors in its layer; without a checkpoint source the job fails naming the checkpoint")
  void buildsOnLayerCheckpoints(@TempDir Path dir) throws Exception {
    var profile = io.deltachain.core.profile.ModelProfiles.bundled("tiny-1m");
    String layer = "model.layers.1";
    byte[] bytes;
    java.util.Map<String, float[]> donorWeights = new java.util.TreeMap<>();
    try (io.deltachain.trainer.model.CausalLm donor = new io.deltachain.trainer.model.CausalLm(profile, Device.cpu(), 6)) {
      io.deltachain.core.tensor.SafeTensorsWriter w = new io.deltachain.core.tensor.SafeTensorsWriter();
      donor.parameters().forEach((name, p) -> {
        if (name.startsWith(layer + ".")) {
          w.addFloats(name, p.getArray().getShape().getShape(), p.getArray().toFloatArray());
          donorWeights.put(name, p.getArray().toFloatArray());
        }
      });
      Path f = dir.resolve("ckpt.safetensors");
      w.write(f);
      bytes = Files.readAllBytes(f);
    }
    io.deltachain.core.content.ContentHash hash = io.deltachain.core.content.ContentHash.sha256(bytes);
    TrainingTask plain = task("t-next", TrainingMode.LORA, 1, 1, "random:5");
    TrainingTask onHead = new TrainingTask(plain.taskId(), plain.roundId(), plain.profile(), plain.baseCheckpoint(),
        hash.hex(), plain.mode(), 1, 1, plain.loraRank(), plain.loraAlpha(), plain.targetModules(), plain.dataset(),
        plain.tokenizer(), plain.datasetHash(), plain.roundSeed(), plain.shardIndex(), plain.shardCount(), plain.steps(),
        plain.batchSize(), plain.sequenceLength(), plain.learningRate(), plain.precision(), false,
        java.util.Map.of(layer, hash.hex()));
    assertThat(TrainingTask.fromJson(onHead.toJson())).isEqualTo(onHead);
    try (io.deltachain.trainer.model.CausalLm m = TrainingJob.loadBase(onHead, profile, Device.cpu(), h -> bytes)) {
      donorWeights.forEach((name, w) -> assertThat(m.parameters().get(name).getArray().toFloatArray()).as(name)
          .containsExactly(w));
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TrainingJob(dir, "t", Device.cpu())
        .run(onHead, p -> { }, () -> false)).hasMessageContaining(hash.hex()).hasMessageContaining("no checkpoint source");
    assertThat(TrainingJob.refusal(new TrainingTask(plain.taskId(), 3, "tiny-1m", "random:5", "", TrainingMode.LORA, 1, 1,
        4, 8, plain.targetModules(), plain.dataset(), "bytes", "", 17, 1, 4, 4, 4, 32, 3e-3, "fp32", false,
        java.util.Map.of("model.layers.9", hash.hex())), 8L << 30, Device.cpu()))
        .hasValueSatisfying(r -> assertThat(r).contains("model.layers.9").contains("not a layer of tiny-1m"));
  }

  @Test
  @DisplayName("a FULL task on layer 2 writes one dense delta holding every tensor of layer 2, and it is non-zero")
  void fullJob(@TempDir Path dir) throws Exception {
    TrainingJob job = new TrainingJob(dir, "trainer-b", Device.cpu());
    JobResult r = job.run(task("t-full", TrainingMode.FULL, 2, 2, "random:5"), p -> { }, () -> false);
    assertThat(r.deltas()).hasSize(1);
    DeltaFile d = DeltaFile.read(r.deltaFiles().get(0));
    assertThat(d.metadata().kind()).isEqualTo(DeltaKind.DENSE);
    assertThat(d.tensors()).hasSize(9).allSatisfy((name, t) -> {
      assertThat(name).startsWith("model.layers.2.");
      double sum = 0;
      for (float v : t.data()) {
        sum += Math.abs(v);
      }
      assertThat(sum).as(name).isGreaterThan(0);
    });
  }

  @Test
  @DisplayName("a job interrupted after a checkpoint continues from it and ends with the uninterrupted job's deltas and replay trace")
  void jobResumesFromCheckpoint(@TempDir Path dir) throws Exception {
    TrainingTask t = task("t-resume", TrainingMode.LORA, 0, 0, "random:6");
    JobResult straight = new TrainingJob(dir.resolve("a"), "n", Device.cpu(), 0, 2).run(t, p -> { }, () -> false);
    TrainingJob interrupted = new TrainingJob(dir.resolve("b"), "n", Device.cpu(), 2, 2);
    List<Integer> seen = new ArrayList<>();
    try {
      interrupted.run(t, p -> seen.add(p.step()), () -> seen.size() >= 3);
    } catch (java.util.concurrent.CancellationException expected) {
      // stopped after step 3, with a checkpoint at step 2
    }
    List<Integer> resumedSteps = new ArrayList<>();
    JobResult resumed = interrupted.run(t, p -> resumedSteps.add(p.step()), () -> false);
    assertThat(resumedSteps).containsExactly(3, 4);
    assertThat(resumed.deltas().get(0).tensors()).allSatisfy((name, tensor) ->
        assertThat(tensor.data()).as(name).containsExactly(straight.deltas().get(0).tensors().get(name).data()));
    // the state of step 0 came from the first attempt's file, step 2's was recorded again: same trace
    assertThat(resumed.replay().trace().stateHashes()).hasSize(3);
    assertThat(resumed.replay().commitment()).isEqualTo(straight.replay().commitment());
  }

  @Test
  @DisplayName("tasks this node cannot run are refused with a reason")
  void refusals() {
    assertThat(TrainingJob.refusal(new TrainingTask("x", 1, "no-such-model", "random:1", "", TrainingMode.FULL, -1, -1,
        4, 8, List.of(), "europarl", "bytes", "", 1, 0, 1, 1, 1, 8, 1e-3, "fp32"), 1L << 40, Device.cpu()))
        .hasValueSatisfying(r -> assertThat(r).contains("unknown model profile"));
    assertThat(TrainingJob.refusal(task("y", TrainingMode.LORA, 0, 1, "/nonexistent/base"), 1L << 40, Device.cpu()))
        .hasValueSatisfying(r -> assertThat(r).contains("base checkpoint").contains("missing"));
    assertThat(TrainingJob.refusal(task("z", TrainingMode.FULL, -1, -1, "random:1"), 1000, Device.cpu()))
        .hasValueSatisfying(r -> assertThat(r).contains("not enough memory"));
    assertThat(TrainingJob.refusal(task("w", TrainingMode.LORA, 0, 9, "random:1"), 1L << 40, Device.cpu()))
        .hasValueSatisfying(r -> assertThat(r).contains("invalid assignment"));
    TrainingTask badHash = new TrainingTask("h", 1, "tiny-1m", "random:1", "zz", TrainingMode.FULL, -1, -1, 4, 8,
        List.of(), "europarl", "bytes", "", 1, 0, 1, 1, 1, 8, 1e-3, "fp32");
    assertThat(TrainingJob.refusal(badHash, 1L << 40, Device.cpu()))
        .hasValueSatisfying(r -> assertThat(r).contains("base hash"));
    TrainingTask fp16 = new TrainingTask("f", 1, "tiny-1m", "random:1", "", TrainingMode.LORA, 0, 0, 4, 8,
        List.of("q_proj"), "europarl", "bytes", "", 1, 0, 1, 1, 1, 8, 1e-3, "fp16");
    assertThat(TrainingJob.refusal(fp16, 1L << 40, Device.cpu()))
        .hasValueSatisfying(r -> assertThat(r).contains("CUDA"));
    assertThat(TrainingJob.refusal(task("ok", TrainingMode.LORA, 0, 1, "random:1"), 1L << 40, Device.cpu())).isEmpty();
  }

  @Test
  @DisplayName("a task with activation checkpointing survives the event bus and fits where the same task without it does not")
  void activationCheckpointingTask() {
    TrainingTask plain = new TrainingTask("c", 1, "tiny-1m", "random:1", "", TrainingMode.FULL, -1, -1, 4, 8,
        List.of(), "europarl", "bytes", "", 1, 0, 1, 1, 64, 512, 1e-3, "fp32");
    TrainingTask ckpt = TrainingTask.fromJson(plain.toJson().put("activationCheckpointing", true));
    assertThat(ckpt.activationCheckpointing()).isTrue();
    assertThat(TrainingTask.fromJson(ckpt.toJson())).isEqualTo(ckpt);
    assertThat(TrainingTask.fromJson(plain.toJson()).activationCheckpointing()).isFalse();
    var profile = io.deltachain.core.profile.ModelProfiles.bundled("tiny-1m");
    long withoutBytes = io.deltachain.core.profile.MemoryModel.estimate(profile, TrainingJob.spec(plain, profile)).totalBytes();
    long withBytes = io.deltachain.core.profile.MemoryModel.estimate(profile, TrainingJob.spec(ckpt, profile)).totalBytes();
    assertThat(withBytes).isLessThan(withoutBytes);
    long between = (withBytes + withoutBytes) / 2;
    assertThat(TrainingJob.refusal(plain, between, Device.cpu())).hasValueSatisfying(r -> assertThat(r).contains("not enough memory"));
    assertThat(TrainingJob.refusal(ckpt, between, Device.cpu())).isEmpty();
  }
}
