package io.deltachain.trainer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LoraConfig;
import io.deltachain.trainer.train.StepResult;
import io.deltachain.trainer.train.TrainingConfig;
import io.deltachain.trainer.train.TrainingSession;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stages driven in one process, one after another on the test thread (the multi-process pipeline
 * over gRPC is {@code PipelineIT}): the arithmetic of the split, the spot check and stage
 * checkpoints.
 */
class StageWorkerTest {
  private static final int BATCH = 4;
  private static final int SEQ = 32;
  private static final int MICRO = 2;

  static PipelineRun run(TrainingMode mode, int steps) {
    TrainingConfig.Builder b = TrainingConfig.builder().setMode(mode).setSteps(steps).optBatch(BATCH, SEQ)
        .optGradientAccumulation(MICRO).optLearningRate(3e-3, 3e-4, 1).optSeed(5);
    if (mode == TrainingMode.LORA) {
      // dropout on: the stages must draw the same masks as the single process
      b.optLora(new LoraConfig(4, 8, 0.1, LoraConfig.allLinear(4, 8).targetModules()))
          .optActivationCheckpointing(true);
    }
    return new PipelineRun("tiny-1m", 3, null, b.build());
  }

  /** Runs one step over in-process stages, forward of every micro-batch first, then backward (GPipe). */
  static double step(List<StageWorker> stages, PackedBatches data, PipelineRun run) {
    int s = stages.get(0).step();
    List<Batch> batches = new ArrayList<>();
    for (int m = 0; m < run.microBatches(); m++) {
      batches.add(data.next());
    }
    Map<Integer, Double> squares = new TreeMap<>();
    double loss;
    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
      stages.forEach(w -> w.beginStep(s));
      StageWorker last = stages.get(stages.size() - 1);
      for (int m = 0; m < run.microBatches(); m++) {
        Batch b = batches.get(m);
        long[] labels = b.flatLabels();
        BoundaryTensor a = stages.get(0).forwardTokens(m, b.flatInputs(), stages.size() == 1 ? labels : null);
        for (int k = 1; k < stages.size(); k++) {
          a = stages.get(k).forwardHidden(m, a, k == stages.size() - 1 ? labels : null);
        }
      }
      for (int m = 0; m < run.microBatches(); m++) {
        BoundaryTensor g = null;
        for (int k = stages.size() - 1; k >= 0; k--) {
          g = stages.get(k).backward(m, g, c);
        }
      }
      double lossSum = 0;
      for (StageWorker w : stages) {
        StageWorker.StepGradients g = w.gradients();
        g.layerSquares().forEach((l, v) -> squares.merge(l, v, Double::sum));
        lossSum += w == last ? g.lossSum() : 0;
      }
      loss = lossSum / run.microBatches();
    }
    ClipRule rule = ClipRule.decide(squares, run.training().maxGradNorm(), run.training().maxLayerGradNorm());
    double lr = run.training().schedule().at(s);
    stages.forEach(w -> w.apply(rule, lr));
    return loss;
  }

  static List<StageWorker> stages(PipelineRun run, PipelineLayout layout) throws Exception {
    List<StageWorker> out = new ArrayList<>();
    for (int k = 0; k < layout.stages(); k++) {
      out.add(new StageWorker(run, k, layout.stages(), layout.span(k)));
    }
    return out;
  }

  static List<Double> reference(PipelineRun run, int steps) {
    List<Double> out = new ArrayList<>();
    try (CausalLm model = new CausalLm(run.modelProfile(), Device.cpu(), run.initSeed());
        TrainingSession s = new TrainingSession(model, run.training(), TestModels.shard(0, BATCH, SEQ), null)) {
      for (int i = 0; i < steps; i++) {
        StepResult r = s.trainStep();
        out.add(r.loss());
      }
    }
    return out;
  }

  private static void closeAll(List<StageWorker> stages) {
    stages.forEach(StageWorker::close);
  }

  @Test
  @DisplayName("two and three stages give the single-process loss curve (FULL)")
  void fullMatchesSingleProcess() throws Exception {
    PipelineRun run = run(TrainingMode.FULL, 3);
    List<Double> ref = reference(run, 3);
    for (int n : new int[] {2, 3}) {
      List<StageWorker> stages = stages(run, PipelineLayout.even(run.modelProfile(), n));
      try {
        PackedBatches data = TestModels.shard(0, BATCH, SEQ);
        for (int i = 0; i < 3; i++) {
          assertThat(step(stages, data, run)).as("%d stages, step %d", n, i).isCloseTo(ref.get(i),
              org.assertj.core.data.Offset.offset(1e-5));
        }
      } finally {
        closeAll(stages);
      }
    }
  }

  @Test
  @DisplayName("LoRA with dropout split over two stages gives the single-process loss curve")
  void loraMatchesSingleProcess() throws Exception {
    PipelineRun run = run(TrainingMode.LORA, 3);
    List<Double> ref = reference(run, 3);
    List<StageWorker> stages = stages(run, new PipelineLayout(4, List.of(new LayerRange(0, 0), new LayerRange(1, 3))));
    try {
      PackedBatches data = TestModels.shard(0, BATCH, SEQ);
      for (int i = 0; i < 3; i++) {
        assertThat(step(stages, data, run)).as("step %d", i).isCloseTo(ref.get(i),
            org.assertj.core.data.Offset.offset(1e-5));
      }
      assertThat(stages.get(0).trainable()).allSatisfy((name, p) -> assertThat(name).contains(".lora_"));
      List<DeltaFile> deltas = stages.get(1).deltas(9, "stage-1", ContentHash.sha256(new byte[0]));
      assertThat(deltas).extracting(d -> d.metadata().layer())
          .containsExactly("model.layers.1", "model.layers.2", "model.layers.3");
      assertThat(deltas).allSatisfy(d -> assertThat(d.metadata().loraRank()).isEqualTo(4));
    } finally {
      closeAll(stages);
    }
  }

  @Test
  @DisplayName("a validator recomputing a micro-batch gets the recorded hash; a forged activation or input does not pass")
  void spotCheck() throws Exception {
    PipelineRun run = run(TrainingMode.FULL, 2);
    PipelineLayout layout = PipelineLayout.even(run.modelProfile(), 3);
    List<StageWorker> stages = stages(run, layout);
    PackedBatches data = TestModels.shard(0, BATCH, SEQ);
    List<ActivationRecord> records = new ArrayList<>();
    try {
      step(stages, data, run);
      step(stages, data, run);
      stages.forEach(w -> records.add(ActivationRecord.fromJson(w.record().toJson())));
    } finally {
      closeAll(stages);
    }
    assertThat(SpotCheck.linkMismatches(records)).isEmpty();
    assertThat(records.get(1).keys()).hasSize(4);

    // The validator: fresh stages at the base (weights as of step 0), micro-batch 1 of step 0.
    data.seek(0);
    data.next();
    Batch b = data.next();
    List<StageWorker> fresh = stages(run, layout);
    try {
      SpotCheck.Result r0 = SpotCheck.check(fresh.get(0), 0, 1, b.flatInputs(), null, null,
          records.get(0).get(0, 1), null);
      assertThat(r0.matches()).as(r0.reason()).isTrue();
      SpotCheck.Result r1 = SpotCheck.check(fresh.get(1), 0, 1, null, r0.output(), null, records.get(1).get(0, 1),
          null);
      assertThat(r1.matches()).as(r1.reason()).isTrue();
      SpotCheck.Result r2 = SpotCheck.check(fresh.get(2), 0, 1, null, r1.output(), b.flatLabels(),
          records.get(2).get(0, 1), null);
      assertThat(r2.matches()).as(r2.reason()).isTrue();

      // A stage that recorded a forged activation (one value nudged) is caught by recomputation.
      float[] v = r1.output().values();
      v[17] += 1e-3f;
      BoundaryTensor forged = BoundaryTensor.of(r1.output().shape(), v);
      ActivationRecord.Entry real = records.get(1).get(0, 1);
      ActivationRecord.Entry claim = new ActivationRecord.Entry(real.inputSha256(), forged.sha256(), Double.NaN);
      SpotCheck.Result bad = SpotCheck.check(fresh.get(1), 0, 1, null, r0.output(), null, claim, forged);
      assertThat(bad.matches()).isFalse();
      assertThat(bad.reason()).contains("recorded sending " + forged.sha256());
      assertThat(bad.maxAbsDiff()).isCloseTo(1e-3, org.assertj.core.data.Offset.offset(1e-5));
      // A forged input (not what the record says the stage received) is refused before recomputing.
      SpotCheck.Result badIn = SpotCheck.check(fresh.get(2), 0, 1, null, forged, b.flatLabels(),
          records.get(2).get(0, 1), null);
      assertThat(badIn.matches()).isFalse();
      assertThat(badIn.reason()).contains("recorded receiving");
      // And the neighbours' records disagree once one of them is forged.
      records.get(1).put(0, 1, claim);
      assertThat(SpotCheck.linkMismatches(records)).singleElement().asString()
          .contains("stage 1 sent " + forged.sha256());
      // The weights must be those of the step checked.
      assertThatThrownBy(() -> SpotCheck.check(fresh.get(0), 1, 0, b.flatInputs(), null, null,
          records.get(0).get(1, 0), null)).hasMessageContaining("as of step 0");
    } finally {
      closeAll(fresh);
    }
  }

  @Test
  @DisplayName("a stage checkpoint restores weights, optimizer state and record: the next step repeats exactly")
  void checkpointRoundTrip(@TempDir Path dir) throws Exception {
    PipelineRun run = run(TrainingMode.FULL, 3);
    List<StageWorker> stages = stages(run, PipelineLayout.even(run.modelProfile(), 2));
    try {
      PackedBatches data = TestModels.shard(0, BATCH, SEQ);
      step(stages, data, run);
      for (int k = 0; k < 2; k++) {
        stages.get(k).saveCheckpoint(dir.resolve("stage-" + k));
      }
      long position = data.position();
      double next = step(stages, data, run);
      double after = step(stages, data, run);
      for (int k = 0; k < 2; k++) {
        stages.get(k).restoreCheckpoint(dir.resolve("stage-" + k));
        assertThat(stages.get(k).step()).isEqualTo(1);
        assertThat(stages.get(k).record().size()).isEqualTo(1);
      }
      data.seek(position);
      assertThat(step(stages, data, run)).isEqualTo(next);
      assertThat(step(stages, data, run)).isEqualTo(after);
      // Another stage's checkpoint is refused by name.
      assertThatThrownBy(() -> stages.get(1).restoreCheckpoint(dir.resolve("stage-0")))
          .hasMessageContaining("not stage 1");
    } finally {
      closeAll(stages);
    }
  }

  @Test
  @DisplayName("each stage writes deltas of exactly its own layers, carrying its activation record")
  void deltasOfOwnLayers() throws Exception {
    PipelineRun run = run(TrainingMode.FULL, 1);
    List<StageWorker> stages = stages(run, PipelineLayout.even(run.modelProfile(), 2));
    try {
      step(stages, TestModels.shard(0, BATCH, SEQ), run);
      List<DeltaFile> first = stages.get(0).deltas(9, "stage-0", ContentHash.sha256(new byte[0]));
      List<DeltaFile> last = stages.get(1).deltas(9, "stage-1", ContentHash.sha256(new byte[0]));
      assertThat(first).extracting(d -> d.metadata().layer())
          .containsExactly("model.embed_tokens", "model.layers.0", "model.layers.1");
      assertThat(last).extracting(d -> d.metadata().layer())
          .containsExactly("lm_head", "model.layers.2", "model.layers.3", "model.norm");
      String json = last.get(0).metadata().metrics().get(ActivationRecord.METADATA_KEY);
      ActivationRecord r = ActivationRecord.fromJson(new JsonObject(json));
      assertThat(r.span()).isEqualTo(new LayerRange(2, 3));
      assertThat(r.get(0, 1).inputSha256()).isEqualTo(stages.get(0).record().get(0, 1).outputSha256());
      assertThat(last.get(0).metadata().metrics().get(ActivationRecord.METADATA_HASH_KEY)).isEqualTo(r.sha256());
    } finally {
      closeAll(stages);
    }
  }

  @Test
  @DisplayName("layouts must be contiguous and cover the model; the planner's plan document is read as assigned")
  void layouts() {
    assertThat(PipelineLayout.even(TestModels.tiny1m(), 3).spans())
        .containsExactly(new LayerRange(0, 1), new LayerRange(2, 2), new LayerRange(3, 3));
    assertThatThrownBy(() -> new PipelineLayout(4, List.of(new LayerRange(0, 1), new LayerRange(3, 3))))
        .hasMessageContaining("contiguous");
    assertThatThrownBy(() -> new PipelineLayout(4, List.of(new LayerRange(0, 2))))
        .hasMessageContaining("cover layers 0-2 but the model has 4");
    JsonObject plan = new JsonObject("""
        {"model":"tiny-1m","num_layers":4,"pipelines":[{"shard_index":0,"stages":[
          {"worker":"a","first_layer":0,"last_layer":0},{"worker":"b","first_layer":1,"last_layer":3}]}]}""");
    assertThat(PipelineLayout.fromPlan(plan, 0).spans()).containsExactly(new LayerRange(0, 0), new LayerRange(1, 3));
    assertThat(PipelineLayout.workersFromPlan(plan, 0)).containsExactly("a", "b");
    assertThatThrownBy(() -> PipelineLayout.fromPlan(plan, 1)).hasMessageContaining("no pipeline 1");
  }

  @Test
  @DisplayName("run settings survive JSON; an unknown format version is refused")
  void runJson() {
    PipelineRun run = run(TrainingMode.LORA, 3);
    assertThat(PipelineRun.fromJson(run.toJson())).isEqualTo(run);
    assertThatThrownBy(() -> PipelineRun.fromJson(run.toJson().put("version", 9)))
        .hasMessageContaining("version 9");
    assertThatThrownBy(() -> new StageWorker(run, 1, 2, new LayerRange(0, 1)))
        .hasMessageContaining("cannot hold layers 0-1");
  }

  @Test
  @DisplayName("a chunked boundary tensor reassembles bit for bit; a corrupted chunk is refused")
  void chunks() {
    float[] v = new float[(BoundaryTensor.CHUNK_BYTES / 4) * 2 + 7];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.sin(i);
    }
    BoundaryTensor t = BoundaryTensor.of(new long[] {v.length}, v);
    var chunks = t.chunks(io.deltachain.trainer.pipeline.proto.TensorKind.ACTIVATION, 3, 1);
    assertThat(chunks).hasSize(3);
    BoundaryTensor.Assembler a = new BoundaryTensor.Assembler();
    assertThat(a.accept(chunks.get(0))).isNull();
    assertThat(a.accept(chunks.get(1))).isNull();
    BoundaryTensor back = a.accept(chunks.get(2));
    assertThat(back.values()).isEqualTo(v);
    assertThat(back.sha256()).isEqualTo(t.sha256());
    var bad = chunks.get(2).toBuilder().setData(com.google.protobuf.ByteString.copyFrom(new byte[chunks.get(2)
        .getData().size()])).build();
    a.accept(chunks.get(0));
    a.accept(chunks.get(1));
    assertThatThrownBy(() -> a.accept(bad)).hasMessageContaining("arrived with SHA-256");
  }

  @Test
  @DisplayName("a tied-embedding model is not split across stages")
  void tiedRefused() throws Exception {
    assertThatThrownBy(() -> CausalLm.span(TestModels.tiny(), Device.cpu(), 1, new LayerRange(1, 1)))
        .hasMessageContaining("ties the head to the embedding");
  }
}
