package io.deltachain.trainer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.pipeline.proto.PipelineStageGrpcClient;
import io.deltachain.trainer.pipeline.proto.StageSetup;
import io.deltachain.trainer.pipeline.proto.StatusRequest;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Handing out operator-started stages: skipping dead and busy endpoints, never reusing one, resetting on close. */
class RemoteStageLauncherTest {

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("endpoints are handed out in order, skipping one that does not answer and one configured by another run;"
      + " when none is left the error says why each was skipped; closing a stage resets it")
  void handsOutFreeStages() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      StageService busy = new StageService("127.0.0.1", 0);
      StageService free = new StageService("127.0.0.1", 0);
      await(vertx.deployVerticle(busy));
      await(vertx.deployVerticle(free));
      int dead;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        dead = s.getLocalPort();
      }
      PipelineRun run = StageWorkerTest.run(TrainingMode.FULL, 1);
      StageClient busyClient = new StageClient(vertx, GrpcClient.client(vertx), "127.0.0.1", busy.actualPort(), "busy");
      await(busyClient.call(PipelineStageGrpcClient.Configure, StageSetup.newBuilder().setRunJson(run.toJson().encode())
          .setStageIndex(1).setStageCount(2).setFirstLayer(2).setLastLayer(3).build(), Duration.ofSeconds(60)));

      List<RemoteStageLauncher.Endpoint> endpoints = List.of(new RemoteStageLauncher.Endpoint("127.0.0.1", dead),
          new RemoteStageLauncher.Endpoint("127.0.0.1", busy.actualPort()),
          new RemoteStageLauncher.Endpoint("127.0.0.1", free.actualPort()));
      try (RemoteStageLauncher launcher = new RemoteStageLauncher(vertx, endpoints, Duration.ofSeconds(5))) {
        StageLauncher.StageProcess p = launcher.launch(0);
        assertThat(p.port()).isEqualTo(free.actualPort());
        assertThat(p.isAlive()).isTrue();
        assertThatThrownBy(() -> launcher.launch(1)).isInstanceOf(IOException.class)
            .hasMessageContaining("no stage endpoint left for stage 1")
            .hasMessageContaining("127.0.0.1:" + dead + " does not answer")
            .hasMessageContaining("127.0.0.1:" + busy.actualPort() + " is busy: configured as stage 1 of 2 (layers 2-3");

        // closing a handed-out stage resets it: the run it was configured for is forgotten
        StageClient freeClient = new StageClient(vertx, GrpcClient.client(vertx), "127.0.0.1", free.actualPort(), "free");
        await(freeClient.call(PipelineStageGrpcClient.Configure, StageSetup.newBuilder()
            .setRunJson(run.toJson().encode()).setStageIndex(0).setStageCount(2).setFirstLayer(0).setLastLayer(1)
            .build(), Duration.ofSeconds(60)));
        p.close();
        assertThat(await(freeClient.call(PipelineStageGrpcClient.Status, StatusRequest.getDefaultInstance(),
            Duration.ofSeconds(10))).getConfigured()).isFalse();
        // and it is never handed out again (it may have died; a replacement must be another endpoint)
        assertThatThrownBy(() -> launcher.launch(0)).hasMessageContaining("no stage endpoint left");
      }
      assertThatThrownBy(() -> new RemoteStageLauncher(vertx, List.of(endpoints.get(0), endpoints.get(0)),
          Duration.ofSeconds(1))).hasMessageContaining("listed twice");
      assertThatThrownBy(() -> RemoteStageLauncher.Endpoint.parse("127.0.0.1")).hasMessageContaining("not host:port");
    } finally {
      await(vertx.close());
    }
  }
}
