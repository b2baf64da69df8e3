package io.deltachain.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.deltachain.trainer.task.TrainingTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class TrainerVerticleTest {

  /** Records uploads; the CID is derived from the hash. */
  static final class FakeStore implements DeltaUploader {
    final Map<ContentHash, byte[]> files = new ConcurrentHashMap<>();

    @Override
    public Future<String> upload(Path file, ContentHash hash) {
      try {
        files.put(hash, Files.readAllBytes(file));
        return Future.succeededFuture("cid-" + hash.hex().substring(0, 12));
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
    }
  }

  /** Checks nonces and signatures like the ledger would, and records transactions. */
  static final class FakeChain implements ChainClient {
    final List<TxEnvelope> txs = new CopyOnWriteArrayList<>();
    final AtomicLong nonce = new AtomicLong(1);

    @Override
    public Future<Long> nextNonce(byte[] publicKey) {
      return Future.succeededFuture(nonce.get());
    }

    @Override
    public synchronized Future<String> broadcast(TxEnvelope tx) {
      if (!TxEnvelopes.signatureValid(tx) || tx.getNonce() != nonce.get()) {
        return Future.failedFuture("bad signature or nonce " + tx.getNonce());
      }
      nonce.incrementAndGet();
      txs.add(tx);
      return Future.succeededFuture("tx" + txs.size());
    }
  }

  private static TrainingTask task(String id, int steps) {
    return new TrainingTask(id, 9, "tiny-1m", "random:3", "", TrainingMode.LORA, 0, 1, 4, 8,
        List.of("q_proj", "v_proj"), "europarl:300", "bytes", "", 5, 0, 2, steps, 2, 32, 3e-3, "fp32");
  }

  @Test
  @DisplayName("the node registers, trains an offered task with progress, uploads its deltas and submits signed SubmitDelta txs")
  void trainsAndSubmits(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Throwable {
    NodeKey key = NodeKey.generate();
    FakeStore store = new FakeStore();
    FakeChain chain = new FakeChain();
    TrainerConfig cfg = new TrainerConfig(key, "test-chain", "t1", dir, Device.cpu(), 8L << 30, 1000, 10, true);
    TrainerVerticle verticle = new TrainerVerticle(cfg, store, chain, d -> 1234.5);
    List<JsonObject> progress = new CopyOnWriteArrayList<>();
    List<JsonObject> heartbeats = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(TrainerAddresses.PROGRESS, m -> progress.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(TrainerAddresses.HEARTBEAT, m -> heartbeats.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(TrainerAddresses.COMPLETED, m -> ctx.verify(() -> {
      JsonObject done = m.body();
      assertThat(done.getString("taskId")).isEqualTo("job-1");
      assertThat(progress).extracting(p -> p.getInteger("step")).containsExactly(1, 2, 3);
      assertThat(progress.get(2).getDouble("tokensPerSecond")).isPositive();
      assertThat(chain.txs).hasSize(3);
      RegisterNode reg = RegisterNode.parseFrom(chain.txs.get(0).getBody());
      assertThat(chain.txs.get(0).getBodyType()).isEqualTo(BodyType.REGISTER_NODE);
      assertThat(reg.getCapabilities().getTokensPerSecondMilli()).isEqualTo(1234500);
      assertThat(reg.getCapabilities().getMemoryBytes()).isEqualTo(8L << 30);
      for (int i = 1; i <= 2; i++) {
        TxEnvelope tx = chain.txs.get(i);
        assertThat(tx.getBodyType()).isEqualTo(BodyType.SUBMIT_DELTA);
        assertThat(tx.getSignerPubKey().toByteArray()).isEqualTo(key.publicKey());
        SubmitDelta sd = SubmitDelta.parseFrom(tx.getBody());
        assertThat(sd.getLayer()).isEqualTo("model.layers." + (i - 1));
        assertThat(sd.getRoundId()).isEqualTo("9");
        assertThat(sd.getLoraRank()).isEqualTo(4);
        assertThat(sd.getTokens()).isEqualTo(3L * 2 * 32);
        ContentHash h = ContentHash.of(sd.getContentHash().toByteArray());
        assertThat(store.files).containsKey(h);
        assertThat(sd.getInlineDelta().toByteArray()).isEqualTo(store.files.get(h));
        // small deltas ride inline; the ledger takes exactly one of inline_delta and cid
        assertThat(sd.getCid()).isEmpty();
        assertThat(sd.getLossBeforeMicro()).isPositive();
        // both layers' deltas commit to the run's replay trace, published in the store with its states
        ContentHash commitment = ContentHash.of(sd.getReplayCommitment().toByteArray());
        assertThat(store.files).containsKey(commitment);
        io.deltachain.core.replay.ReplayTrace trace = io.deltachain.core.replay.ReplayTrace.decode(store.files.get(commitment));
        assertThat(trace.totalSteps()).isEqualTo(3);
        assertThat(trace.stateHashes()).allSatisfy(sh -> assertThat(store.files).containsKey(sh));
      }
      assertThat(SubmitDelta.parseFrom(chain.txs.get(1).getBody()).getReplayCommitment())
          .isEqualTo(SubmitDelta.parseFrom(chain.txs.get(2).getBody()).getReplayCommitment());
      assertThat(heartbeats).isNotEmpty().allSatisfy(hb -> assertThat(hb.getString("device")).isEqualTo("cpu"));
      // the device's busy share is measured (process CPU load on the CPU), never made up
      assertThat(heartbeats).anySatisfy(hb -> assertThat(hb.getDouble("utilization")).isBetween(0.0, 1.0));
      // every byte uploaded (deltas, replay trace and states) is counted for the bandwidth figures
      long stored = store.files.values().stream().mapToLong(b -> b.length).sum();
      assertThat(io.deltachain.core.metrics.ServiceMetrics.registry().get("deltachain_trainer_uploaded_bytes_total")
          .tag("trainer", key.addressHex()).counter().count()).isEqualTo((double) stored);
      ctx.completeNow();
    }));
    vertx.deployVerticle(verticle)
        .compose(id -> vertx.eventBus().<JsonObject>request(TrainerAddresses.taskOffer(key.addressHex()),
            new JsonObject().put("taskId", "bad").put("mode", "LORA").put("profile", "nope")
                .put("baseCheckpoint", "random:1").put("dataset", "europarl"))
            .map(r -> (Throwable) null).recover(Future::succeededFuture))
        .onComplete(ctx.succeeding(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(ReplyException.class);
          ReplyException re = (ReplyException) err;
          assertThat(re.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
          assertThat(re.failureCode()).isEqualTo(TrainerError.CANNOT_RUN.code());
          assertThat(re.getMessage()).contains("unknown model profile 'nope'");
        })))
        .compose(x -> vertx.eventBus().<JsonObject>request(TrainerAddresses.taskOffer(key.addressHex()),
            task("job-1", 3).toJson()))
        .onComplete(ctx.succeeding(r -> ctx.verify(() ->
            assertThat(r.body().getBoolean("accepted")).isTrue())));
    assertThat(ctx.awaitCompletion(180, TimeUnit.SECONDS)).isTrue();
    if (ctx.failed()) {
      throw ctx.causeOfFailure();
    }
  }

  @Test
  @DisplayName("a running task refuses a second offer as busy and stops when cancelled")
  void busyAndCancel(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Throwable {
    NodeKey key = NodeKey.generate();
    FakeChain chain = new FakeChain();
    TrainerConfig cfg = new TrainerConfig(key, "test-chain", "t2", dir, Device.cpu(), 8L << 30, 0, 1000, false);
    String node = key.addressHex();
    vertx.eventBus().<JsonObject>consumer(TrainerAddresses.PROGRESS, m -> {
      if (m.body().getInteger("step") == 1) {
        vertx.eventBus().request(TrainerAddresses.taskOffer(node), task("job-3", 5).toJson())
            .onComplete(ar -> ctx.verify(() -> {
              assertThat(ar.failed()).isTrue();
              assertThat(((ReplyException) ar.cause()).failureCode()).isEqualTo(TrainerError.BUSY.code());
              vertx.eventBus().request(TrainerAddresses.taskCancel(node), new JsonObject().put("taskId", "job-2"));
            }));
      }
    });
    vertx.eventBus().<JsonObject>consumer(TrainerAddresses.FAILED, m -> ctx.verify(() -> {
      assertThat(m.body().getString("taskId")).isEqualTo("job-2");
      assertThat(m.body().getBoolean("cancelled")).isTrue();
      assertThat(chain.txs).hasSize(1);
      ctx.completeNow();
    }));
    vertx.deployVerticle(new TrainerVerticle(cfg, new FakeStore(), chain, d -> 0.0))
        .compose(id -> vertx.eventBus().request(TrainerAddresses.taskOffer(node), task("job-2", 10_000).toJson()))
        .onComplete(ctx.succeeding(r -> { }));
    assertThat(ctx.awaitCompletion(180, TimeUnit.SECONDS)).isTrue();
    if (ctx.failed()) {
      throw ctx.causeOfFailure();
    }
  }
}
