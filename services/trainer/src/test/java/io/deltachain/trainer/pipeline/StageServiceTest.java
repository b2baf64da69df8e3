package io.deltachain.trainer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.pipeline.proto.ApplyRequest;
import io.deltachain.trainer.pipeline.proto.PipelineStageGrpcClient;
import io.deltachain.trainer.pipeline.proto.StageSetup;
import io.deltachain.trainer.pipeline.proto.StepReport;
import io.deltachain.trainer.pipeline.proto.StepRequest;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.testing.CpuLoad;
import io.deltachain.trainer.pipeline.proto.CheckpointReply;
import io.deltachain.trainer.pipeline.proto.CheckpointRequest;
import io.deltachain.trainer.pipeline.proto.ResetRequest;
import io.deltachain.trainer.pipeline.proto.StageStatus;
import io.deltachain.trainer.pipeline.proto.StatusRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage's gRPC API in this JVM: a one-stage pipeline and the refusals a coordinator sees. */
class StageServiceTest {
  private static Vertx vertx;
  private static Api stage;

  /** The stage's unary calls through {@link StageClient}, which keeps the stage's error message. */
  private record Api(StageClient c) {
    Future<io.deltachain.trainer.pipeline.proto.StageReady> configure(StageSetup s) {
      return c.call(PipelineStageGrpcClient.Configure, s, Duration.ofSeconds(60));
    }

    Future<StepReport> step(StepRequest s) {
      return c.call(PipelineStageGrpcClient.Step, s, Duration.ofSeconds(60));
    }

    Future<io.deltachain.trainer.pipeline.proto.ApplyReply> apply(ApplyRequest s) {
      return c.call(PipelineStageGrpcClient.Apply, s, Duration.ofSeconds(60));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    StageService service = new StageService("127.0.0.1", 0);
    vertx.deployVerticle(service).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    stage = new Api(new StageClient(vertx, GrpcClient.client(vertx), "127.0.0.1", service.actualPort(), "stage"));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static String failure(Future<?> f) {
    try {
      await(f);
    } catch (ExecutionException e) {
      return e.getCause().getMessage();
    } catch (Exception e) {
      return e.toString();
    }
    throw new AssertionError("the call succeeded");
  }

  private static StageSetup setup(PipelineRun run, int index, int count, int first, int last) {
    return StageSetup.newBuilder().setRunJson(run.toJson().encode()).setStageIndex(index).setStageCount(count)
        .setFirstLayer(first).setLastLayer(last).build();
  }

  @Test
  @DisplayName("a one-stage pipeline trains over the API; calls out of order or with bad input are refused by name")
  void oneStage() throws Exception {
    PipelineRun run = StageWorkerTest.run(TrainingMode.FULL, 2);
    assertThat(failure(stage.step(StepRequest.newBuilder().setStep(0).build())))
        .contains("stage (127.0.0.1:").contains("Step failed: FAILED_PRECONDITION: the stage is not configured");
    assertThat(failure(stage.configure(setup(run, 0, 1, 0, 3).toBuilder()
        .setRunJson(run.toJson().put("version", 9).encode()).build()))).contains("version 9");
    assertThat(failure(stage.configure(setup(run, 0, 2, 0, 3)))).contains("cannot hold layers 0-3");

    assertThat(await(stage.configure(setup(run, 0, 1, 0, 3))).getTrainableParameters()).isPositive();
    assertThat(failure(stage.configure(setup(run, 1, 2, 2, 3)))).contains("already configured");

    StepRequest.Builder req = StepRequest.newBuilder().setStep(0).setMicroBatches(2).setBatchSize(4)
        .setSequenceLength(32);
    assertThat(failure(stage.step(req.build()))).contains("needs 256 tokens, got 0");
    PackedBatches data = TestModels.shard(0, 4, 32);
    for (Batch b : List.of(data.next(), data.next())) {
      for (long t : b.flatInputs()) {
        req.addTokens(t);
      }
      for (long t : b.flatLabels()) {
        req.addLabels(t);
      }
    }
    assertThat(failure(stage.apply(ApplyRequest.newBuilder().setStep(3).build()))).contains("cannot apply step 3");
    StepReport report = await(stage.step(req.build()));
    double single = StageWorkerTest.reference(run, 1).get(0);
    assertThat(report.getLossSum() / 2).isEqualTo(single);
    assertThat(report.getLayerSquaresList()).extracting(s -> s.getLayer()).containsExactly(-1, 0, 1, 2, 3);
    assertThat(report.getHashesCount()).isEqualTo(2);
    assertThat(await(stage.apply(ApplyRequest.newBuilder().setStep(0).setLearningRate(1e-3).setGlobalFactor(1)
        .build())).getStep()).isEqualTo(1);
    assertThat(failure(stage.step(req.build()))).contains("completed 1 steps; it cannot run step 0");
  }

  private static StepRequest stepRequest(long step, PackedBatches data) {
    StepRequest.Builder req = StepRequest.newBuilder().setStep(step).setMicroBatches(2).setBatchSize(4)
        .setSequenceLength(32);
    for (Batch b : List.of(data.next(), data.next())) {
      for (long t : b.flatInputs()) {
        req.addTokens(t);
      }
      for (long t : b.flatLabels()) {
        req.addLabels(t);
      }
    }
    return req.build();
  }

  @Test
  @DisplayName("a checkpoint travels as a file: fetched from one stage, reset, and restored into it by stream; "
      + "training then continues on the single-process curve; names outside the work directory are refused")
  void checkpointTravels(@TempDir Path here) throws Exception {
    Path work = Files.createTempDirectory("stage-service-test-");
    StageService service = new StageService("127.0.0.1", 0, work);
    String id = vertx.deployVerticle(service).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      StageClient c = new StageClient(vertx, GrpcClient.client(vertx), "127.0.0.1", service.actualPort(), "stage");
      Duration t = Duration.ofSeconds(60);
      PipelineRun run = StageWorkerTest.run(TrainingMode.FULL, 2);
      List<Double> single = StageWorkerTest.reference(run, 2);
      StageSetup setup = setup(run, 0, 1, 0, 3);
      await(c.call(PipelineStageGrpcClient.Configure, setup, t));
      PackedBatches data = TestModels.shard(0, 4, 32);
      StepReport first = await(c.call(PipelineStageGrpcClient.Step, stepRequest(0, data), t));
      // clipped as the coordinator (and the single process) clips
      java.util.Map<Integer, Double> squares = new java.util.TreeMap<>();
      first.getLayerSquaresList().forEach(q -> squares.put(q.getLayer(), q.getSquaredNorm()));
      ClipRule rule = ClipRule.decide(squares, run.training().maxGradNorm(), run.training().maxLayerGradNorm());
      ApplyRequest.Builder apply = ApplyRequest.newBuilder().setStep(0).setLearningRate(run.training().schedule().at(0))
          .setGlobalFactor(rule.globalFactor());
      rule.layerFactors().forEach((l, f) -> apply.addLayerFactors(
          io.deltachain.trainer.pipeline.proto.LayerFactor.newBuilder().setLayer(l).setFactor(f)));
      await(c.call(PipelineStageGrpcClient.Apply, apply.build(), t));

      assertThat(failure(c.call(PipelineStageGrpcClient.Checkpoint, CheckpointRequest.newBuilder()
          .setDir("/tmp/elsewhere").build(), t))).contains("INVALID_ARGUMENT").contains("'/tmp/elsewhere'");
      CheckpointReply saved = await(c.call(PipelineStageGrpcClient.Checkpoint,
          CheckpointRequest.newBuilder().setDir("checkpoint-1").build(), t));
      assertThat(saved.getStep()).isEqualTo(1);
      assertThat(saved.getArchive()).isEqualTo("checkpoint-1.zip");
      Path copy = here.resolve("copy/checkpoint-1.zip");
      FileTransfer.Received got = await(c.readFile(saved.getArchive(), copy, t));
      assertThat(got.bytes()).isEqualTo(saved.getArchiveSize()).isEqualTo(Files.size(copy));
      assertThat(got.sha256()).isEqualTo(ContentHash.sha256(copy).hex());
      assertThat(failure(c.readFile("../" + work.getFileName() + "/checkpoint-1.zip", here.resolve("x"), t)))
          .contains("INVALID_ARGUMENT");
      assertThat(failure(c.readFile("no-such-file", here.resolve("y"), t))).contains("NOT_FOUND");
      assertThat(here.resolve("x")).doesNotExist();
      assertThat(here.resolve("y")).doesNotExist();

      // Reset: the stage forgets the run and its files, and can be configured again.
      await(c.call(PipelineStageGrpcClient.Reset, ResetRequest.getDefaultInstance(), t));
      assertThat(await(c.call(PipelineStageGrpcClient.Status, StatusRequest.getDefaultInstance(), t))
          .getConfigured()).isFalse();
      try (var left = Files.list(work)) {
        assertThat(left.toList()).isEmpty();
      }
      await(c.call(PipelineStageGrpcClient.Configure, setup, t));
      assertThat(await(c.restoreFrom(copy, "checkpoint-1", t)).getStep()).isEqualTo(1);
      StageStatus status = await(c.call(PipelineStageGrpcClient.Status, StatusRequest.getDefaultInstance(), t));
      assertThat(status.getConfigured()).isTrue();
      assertThat(status.getStep()).isEqualTo(1);
      assertThat(status.getLastLayer()).isEqualTo(3);

      StepReport second = await(c.call(PipelineStageGrpcClient.Step, stepRequest(1, data), t));
      assertThat(second.getLossSum() / 2).isCloseTo(single.get(1), org.assertj.core.data.Offset.offset(1e-6));
    } finally {
      vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      StageCheckpoint.deleteRecursively(work);
    }
  }

  @Test
  @DisplayName("refusals reach a caller on a non-Vert.x thread every time, under CPU load (300 refused reads: "
      + "with the calls chained from the caller's thread 4 of 300 never completed)")
  void refusalsAlwaysArrive(@TempDir Path here) throws Exception {
    try (CpuLoad load = CpuLoad.start(3)) {
      for (int i = 0; i < 300; i++) {
        assertThat(failure(stage.c().readFile("../outside.zip", here.resolve("x"), Duration.ofSeconds(10))))
            .as("read %d", i).contains("INVALID_ARGUMENT");
      }
    }
  }

  @Test
  @DisplayName("a stage with a token answers only calls that carry it: none or a wrong one is UNAUTHENTICATED, "
      + "named, for unary calls and file reads alike")
  void token(@TempDir Path here) throws Exception {
    String token = "stage-token-0123456789";
    StageService service = new StageService("127.0.0.1", 0).requireToken(token);
    String id = vertx.deployVerticle(service).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      Duration t = Duration.ofSeconds(30);
      GrpcClient grpc = GrpcClient.client(vertx);
      int port = service.actualPort();
      StageClient none = new StageClient(vertx, grpc, "127.0.0.1", port, "stage");
      StageClient wrong = new StageClient(vertx, grpc, "127.0.0.1", port, "stage", "not-the-token-0123456789");
      StageClient right = new StageClient(vertx, grpc, "127.0.0.1", port, "stage", token);
      assertThat(failure(none.call(PipelineStageGrpcClient.Status, StatusRequest.getDefaultInstance(), t)))
          .contains("UNAUTHENTICATED").contains("this stage needs its token");
      assertThat(failure(wrong.call(PipelineStageGrpcClient.Status, StatusRequest.getDefaultInstance(), t)))
          .contains("UNAUTHENTICATED").contains("the stage token is not valid");
      assertThat(failure(wrong.readFile("anything.zip", here.resolve("x"), t))).contains("UNAUTHENTICATED");
      assertThat(here.resolve("x")).doesNotExist();
      assertThat(await(right.call(PipelineStageGrpcClient.Status, StatusRequest.getDefaultInstance(), t))
          .getConfigured()).isFalse();
      assertThat(failure(right.readFile("no-such-file", here.resolve("y"), t))).contains("NOT_FOUND");
      assertThatThrownBy(() -> new StageService("127.0.0.1", 0).requireToken("short"))
          .hasMessageContaining("at least 16 characters");
    } finally {
      vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
