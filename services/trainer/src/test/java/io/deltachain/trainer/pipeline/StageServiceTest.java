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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
    stage = new Api(new StageClient(GrpcClient.client(vertx), "127.0.0.1", service.actualPort(), "stage"));
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
}
