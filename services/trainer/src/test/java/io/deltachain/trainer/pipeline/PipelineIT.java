package io.deltachain.trainer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.PackedBatches;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines of separate stage JVMs on loopback, tensors between them over gRPC streams, against
 * single-process training of the same model (tiny-1m, FULL), data (Europarl shard 0) and seed.
 * Tolerance on every step's loss: 1e-4 absolute (the split computes the same operations in the
 * same order, so in practice the curves agree to the last bit).
 */
class PipelineIT {
  private static final double TOLERANCE = 1e-4;
  private static final int BATCH = 4;
  private static final int SEQ = 32;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static PipelineCoordinator coordinator(PipelineRun run, int stages, Path checkpoints, int checkpointEvery) {
    return coordinator(run, stages, new PipelineCoordinator.Options(Duration.ofSeconds(60), Duration.ofSeconds(120),
        checkpointEvery, checkpoints, 1));
  }

  private static PipelineCoordinator coordinator(PipelineRun run, int stages, PipelineCoordinator.Options options) {
    return new PipelineCoordinator(vertx, run, PipelineLayout.even(run.modelProfile(), stages),
        LocalJvmStageLauncher.sameClasspath("-Xmx512m"), options);
  }

  private static void assertSameCurve(List<Double> pipeline, List<Double> single) {
    assertThat(pipeline).hasSameSizeAs(single);
    double max = 0;
    for (int i = 0; i < single.size(); i++) {
      max = Math.max(max, Math.abs(pipeline.get(i) - single.get(i)));
    }
    System.out.printf("loss curve %s, single process %s, max |difference| %.3g%n", pipeline, single, max);
    for (int i = 0; i < single.size(); i++) {
      assertThat(pipeline.get(i)).as("loss of step %d", i).isCloseTo(single.get(i), Offset.offset(TOLERANCE));
    }
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  @DisplayName("two stage JVMs give the single-process loss curve; the deltas carry records a validator can recompute")
  void twoStages(@TempDir Path dir) throws Exception {
    PipelineRun run = StageWorkerTest.run(TrainingMode.FULL, 4);
    List<Double> single = StageWorkerTest.reference(run, 4);
    PipelineCoordinator.Result result;
    List<PipelineCoordinator.StageOutput> finished;
    try (PipelineCoordinator c = coordinator(run, 2, dir.resolve("ckpt"), 0)) {
      c.start();
      result = c.train(TestModels.shard(0, BATCH, SEQ), null);
      finished = c.finish(dir.resolve("deltas"), 7, List.of("stage-a", "stage-b"), ContentHash.sha256(new byte[0]));
    }
    assertSameCurve(result.losses(), single);
    assertThat(result.recoveries()).isEmpty();
    assertThat(result.steps()).allSatisfy(s -> assertThat(java.util.Arrays.stream(s.busyNanos()).boxed().toList()).hasSize(2).allMatch(b -> b > 0));

    // Stage 1's delta files carry its activation record; a validator recomputes micro-batch 1 of
    // step 0 from the base and finds the hashes the stages recorded.
    List<ActivationRecord> records = new ArrayList<>();
    for (PipelineCoordinator.StageOutput f : finished) {
      DeltaFile d = DeltaFile.read(f.deltas().get(0).file());
      records.add(ActivationRecord.fromJson(new JsonObject(d.metadata().metrics().get(ActivationRecord.METADATA_KEY))));
      assertThat(records.get(records.size() - 1).sha256()).isEqualTo(f.activationRecordSha256());
      assertThat(f.deltas()).allSatisfy(o -> assertThat(o.file()).startsWith(dir.resolve("deltas")).isRegularFile());
    }
    assertThat(finished.get(0).deltas()).extracting(o -> o.layer())
        .containsExactly("model.embed_tokens", "model.layers.0", "model.layers.1");
    assertThat(finished.get(1).deltas()).extracting(o -> o.layer())
        .containsExactly("lm_head", "model.layers.2", "model.layers.3", "model.norm");
    assertThat(SpotCheck.linkMismatches(records)).isEmpty();
    PackedBatches data = TestModels.shard(0, BATCH, SEQ);
    data.next();
    Batch b = data.next();
    PipelineLayout layout = PipelineLayout.even(run.modelProfile(), 2);
    try (StageWorker s0 = new StageWorker(run, 0, 2, layout.span(0));
        StageWorker s1 = new StageWorker(run, 1, 2, layout.span(1))) {
      SpotCheck.Result r0 = SpotCheck.check(s0, 0, 1, b.flatInputs(), null, null, records.get(0).get(0, 1), null);
      assertThat(r0.matches()).as(r0.reason()).isTrue();
      SpotCheck.Result r1 = SpotCheck.check(s1, 0, 1, null, r0.output(), b.flatLabels(), records.get(1).get(0, 1), null);
      assertThat(r1.matches()).as(r1.reason()).isTrue();
      assertThat(r1.loss()).isCloseTo(records.get(1).get(0, 1).loss(), Offset.offset(0.0));
    }
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  @DisplayName("three stage JVMs give the single-process loss curve")
  void threeStages(@TempDir Path dir) throws Exception {
    PipelineRun run = StageWorkerTest.run(TrainingMode.FULL, 4);
    List<Double> single = StageWorkerTest.reference(run, 4);
    try (PipelineCoordinator c = coordinator(run, 3, dir, 0)) {
      c.start();
      PipelineCoordinator.Result result = c.train(TestModels.shard(0, BATCH, SEQ), null);
      assertSameCurve(result.losses(), single);
      assertThat(result.stages()).isEqualTo(3);
    }
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  @DisplayName("1F1B over three stage JVMs gives the single-process loss curve while stage k holds at most 3 - k "
      + "micro-batches (GPipe: all 4)")
  void oneFOneB(@TempDir Path dir) throws Exception {
    PipelineRun run = new PipelineRun("tiny-1m", 3, null, io.deltachain.trainer.train.TrainingConfig.builder()
        .setMode(TrainingMode.FULL).setSteps(3).optBatch(BATCH, SEQ).optGradientAccumulation(4)
        .optLearningRate(3e-3, 3e-4, 1).optSeed(5).build());
    List<Double> single = StageWorkerTest.reference(run, 3);
    for (io.deltachain.trainer.pipeline.proto.Schedule schedule : List.of(
        io.deltachain.trainer.pipeline.proto.Schedule.ONE_F_ONE_B, io.deltachain.trainer.pipeline.proto.Schedule.GPIPE)) {
      try (PipelineCoordinator c = coordinator(run, 3, new PipelineCoordinator.Options(Duration.ofSeconds(60),
          Duration.ofSeconds(120), 0, dir.resolve(schedule.name()), 0, schedule))) {
        c.start();
        PipelineCoordinator.Result result = c.train(TestModels.shard(0, BATCH, SEQ), null);
        assertSameCurve(result.losses(), single);
        int[] expected = schedule == io.deltachain.trainer.pipeline.proto.Schedule.GPIPE ? new int[] {4, 4, 4}
            : new int[] {3, 2, 1};
        assertThat(result.steps()).allSatisfy(s -> assertThat(s.peakHeld()).as(schedule.name()).containsExactly(expected));
      }
    }
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  @DisplayName("a stage JVM killed mid-step is detected and replaced from the last checkpoint; the curve is unchanged")
  void stageKilledMidStep(@TempDir Path dir) throws Exception {
    PipelineRun run = StageWorkerTest.run(TrainingMode.FULL, 5);
    List<Double> single = StageWorkerTest.reference(run, 5);
    List<PipelineCoordinator.Recovery> seen = new ArrayList<>();
    long[] killedPid = {-1};
    try (PipelineCoordinator c = coordinator(run, 3, dir, 2)) {
      c.start();
      PipelineCoordinator.Result result = c.train(TestModels.shard(0, BATCH, SEQ), new PipelineCoordinator.Listener() {
        @Override
        public void stepSent(long step) {
          if (step == 3 && killedPid[0] < 0) {
            ProcessHandle victim = LocalJvmStageLauncher.processOf(c.process(1));
            killedPid[0] = victim.pid();
            victim.destroyForcibly();
          }
        }

        @Override
        public void recovered(PipelineCoordinator.Recovery r) {
          seen.add(r);
        }
      });
      assertThat(result.recoveries()).hasSize(1).isEqualTo(seen);
      PipelineCoordinator.Recovery r = result.recoveries().get(0);
      assertThat(r.failedStep()).isEqualTo(3);
      assertThat(r.replacedStages()).containsExactly(1);
      assertThat(r.resumedFromStep()).isEqualTo(2);
      assertThat(r.lostSteps()).isEqualTo(2);
      assertThat(r.cause()).contains("stage");
      assertThat(LocalJvmStageLauncher.processOf(c.process(1)).pid()).isNotEqualTo(killedPid[0]);
      assertThat(ProcessHandle.of(killedPid[0]).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertSameCurve(result.losses(), single);
    }
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  @DisplayName("a stage that hangs (SIGSTOP) is caught by the step deadline, stopped and replaced")
  void stageHangs(@TempDir Path dir) throws Exception {
    PipelineRun run = StageWorkerTest.run(TrainingMode.FULL, 3);
    List<Double> single = StageWorkerTest.reference(run, 3);
    long[] stoppedPid = {-1};
    try (PipelineCoordinator c = coordinator(run, 2, new PipelineCoordinator.Options(Duration.ofSeconds(5),
        Duration.ofSeconds(20), 0, dir, 1))) {
      c.start();
      PipelineCoordinator.Result result = c.train(TestModels.shard(0, BATCH, SEQ), new PipelineCoordinator.Listener() {
        @Override
        public void stepSent(long step) {
          if (step == 1 && stoppedPid[0] < 0) {
            stoppedPid[0] = LocalJvmStageLauncher.processOf(c.process(1)).pid();
            try {
              assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(stoppedPid[0])).start().waitFor()).isZero();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        }
      });
      PipelineCoordinator.Recovery r = result.recoveries().get(0);
      assertThat(r.failedStep()).isEqualTo(1);
      assertThat(r.replacedStages()).containsExactly(1);
      assertThat(r.resumedFromStep()).isZero();
      assertThat(r.cause()).containsIgnoringCase("deadline");
      assertThat(ProcessHandle.of(stoppedPid[0]).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertSameCurve(result.losses(), single);
    } finally {
      ProcessHandle.of(stoppedPid[0]).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
