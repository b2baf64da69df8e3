package io.deltachain.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.TrainingMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two clustered Vert.x nodes over Hazelcast on loopback exchange the bus records. */
@ExtendWith(VertxExtension.class)
class ClusteredEventBusIT {
  private static final String LOOPBACK = "127.0.0.1";
  private static final String TRAINER = NodeKey.generate().addressHex();
  private static Vertx trainerNode;
  private static Vertx coordinatorNode;

  @BeforeAll
  static void startCluster() throws Exception {
    String cluster = "deltachain-it-" + UUID.randomUUID();
    int portA = freePort();
    int portB = freePort();
    List<String> members = List.of(LOOPBACK + ":" + portA, LOOPBACK + ":" + portB);
    trainerNode = await(ClusterFactory.start(options(cluster, portA, members)));
    coordinatorNode = await(ClusterFactory.start(options(cluster, portB, members)));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    // Close one at a time, as Hazelcast advises, so no split-brain merge starts.
    if (coordinatorNode != null) {
      await(coordinatorNode.close());
    }
    if (trainerNode != null) {
      await(trainerNode.close());
    }
  }

  @Test
  @DisplayName("a task offer sent from one node reaches a consumer on the other and its reply comes back")
  void requestReplyAcrossNodes(VertxTestContext ctx) {
    String address = TrainerAddresses.taskOfferFor(TRAINER);
    MessageConsumer<TaskOffer> consumer = trainerNode.eventBus().consumer(address, (Message<TaskOffer> msg) -> {
      TaskOffer offer = msg.body();
      msg.reply(offer.loraRank() > 0
          ? TaskOfferReply.accept(offer.taskId())
          : TaskOfferReply.decline(offer.taskId(), "rank 0"));
    });
    TaskOffer offer = new TaskOffer("r1/" + TRAINER + "/0", "r1", TRAINER, 0, 3, TrainingMode.LORA, 16,
        List.of("q_proj", "v_proj"), 0, "fp32",
        Map.of("model.layers.0", "ab".repeat(32)), 120);

    consumer.completion()
        .compose(v -> coordinatorNode.eventBus().<TaskOfferReply>request(address, offer))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.body().taskId()).isEqualTo(offer.taskId());
          assertThat(reply.body().accepted()).isTrue();
          assertThat(reply.body().reason()).isNull();
          consumer.unregister().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  @DisplayName("a heartbeat published on one node arrives intact on the other")
  void publishAcrossNodes(VertxTestContext ctx) {
    TrainerHeartbeat beat = new TrainerHeartbeat(TRAINER, TrainerHeartbeat.State.TRAINING, "cpu", 1L << 33, "t-7", 1_700_000_000_000L);
    MessageConsumer<TrainerHeartbeat> consumer = coordinatorNode.eventBus().consumer(TrainerAddresses.HEARTBEAT);
    consumer.handler(msg -> ctx.verify(() -> {
      assertThat(msg.body()).isEqualTo(beat).isNotSameAs(beat);
      consumer.unregister().onComplete(ctx.succeedingThenComplete());
    }));
    consumer.completion().onComplete(ctx.succeeding(v -> trainerNode.eventBus().publish(TrainerAddresses.HEARTBEAT, beat)));
  }

  @Test
  @DisplayName("a request to an address nobody in the cluster handles fails with NO_HANDLERS")
  void noHandlers(VertxTestContext ctx) {
    coordinatorNode.eventBus().request("delta-store.stat.nobody-" + UUID.randomUUID(), new StatRequest(
            io.deltachain.core.content.ContentHash.sha256(new byte[0])))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(ReplyException.class);
          assertThat(((ReplyException) err).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
          ctx.completeNow();
        })));
  }

  private static ClusterOptions options(String cluster, int port, List<String> members) {
    return ClusterOptions.builder()
        .setClusterName(cluster)
        .setBindHost(LOOPBACK)
        .optHazelcastPort(port)
        .optPortAutoIncrement(false)
        .optMembers(members)
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return s.getLocalPort();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
