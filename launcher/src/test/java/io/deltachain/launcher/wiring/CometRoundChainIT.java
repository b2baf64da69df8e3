package io.deltachain.launcher.wiring;

import static io.deltachain.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.round.chain.ChainRejectedException;
import io.deltachain.round.chain.LineageEntry;
import io.deltachain.round.chain.SignatureRequiredException;
import io.deltachain.round.chain.TxReceipt;
import io.deltachain.round.lifecycle.ChainEvents;
import io.deltachain.round.lifecycle.DeltaStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The round service's chain adapter against one real CometBFT validator with the deltachain
 * ledger: every submission really commits (or fails with the ledger's reason), every committed
 * step comes back as the matching event, and a second adapter replaying from height 1 sees
 * exactly the same events (what a restarted coordinator rebuilds from).
 */
class CometRoundChainIT {
  private static final String CHAIN = "deltachain-it-roundchain";
  private static final HexFormat HEX = HexFormat.of();
  private static final NodeKey COORDINATOR = key(1);
  private static final NodeKey TRAINER = key(2);
  private static final String LAYER = "model.layers.0";
  private static Vertx vertx;
  private static LocalNet net;
  private static ChainClient client;

  @BeforeAll
  static void startNetwork() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("deltachain-roundchain-");
    net = LocalNet.create(new LocalNet.Options(1, dir, CHAIN, new JsonObject()
        .put("coordinators", new JsonArray().add(COORDINATOR.addressHex())).put("validator_allowlist", new JsonObject()),
        "200ms", "1s", true, LocalNet.AppMode.IN_PROCESS, "error"));
    net.start();
    client = new ChainClient(vertx, net.node(0).rpcUrl());
    eventually(Duration.ofSeconds(60), "the node producing blocks", () -> {
      try {
        return await(client.status()).latestHeight() >= 2;
      } catch (RuntimeException e) {
        return false;
      }
    });
  }

  @AfterAll
  static void stopNetwork() throws Exception {
    try {
      if (client != null) {
        client.close();
      }
      if (net != null) {
        net.close();
        net.deleteDirectory();
      }
    } finally {
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("StartRound, relayed deltas, verdicts, a checkpoint and FinalizeRound commit on the real chain and come back as events; a replay from height 1 sees the same events")
  void roundOnTheRealChain() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    CometRoundChain chain = new CometRoundChain(ctx, client, COORDINATOR, CHAIN, 100);
    Recorder live = new Recorder();
    long replayed = await(chain.replayAndSubscribe(live));
    assertThat(replayed).isGreaterThanOrEqualTo(2);

    commit(new TxSigner(TRAINER, CHAIN, last(TRAINER)).registerNode(NodeRole.TRAINER, "t-0",
        Capabilities.newBuilder().setDevice("cpu").setGpuClass("cpu").setMemoryBytes(8L << 30).build(), 0));
    String trainer = TRAINER.addressHex().toLowerCase(Locale.ROOT);
    eventually(Duration.ofSeconds(30), "the trainer's registration as an event",
        () -> live.events().contains("registered " + trainer + " TRAINER t-0"));

    byte[] base = ContentHash.sha256("base".getBytes(StandardCharsets.UTF_8)).bytes();
    StartRound start = StartRound.newBuilder().setRoundId("101").setModelId("tiny-1m")
        .setPlanHash(ByteString.copyFrom(new byte[32])).setEvalSetHash(ByteString.copyFrom(new byte[32]))
        .setDatasetHash(ByteString.copyFrom(new byte[32])).setShardCount(1).setTrainingBlocks(1000)
        .setValidationBlocks(1000).setAggregation(AggregationMethod.WEIGHTED_MEAN).setMaxNormRatioPpm(50_000)
        .putBaseCheckpoints(LAYER, ByteString.copyFrom(base))
        .setTraining(new io.deltachain.core.tx.RoundTraining(10, 4, 32, 1_000_000, 8_000, "random:7", "europarl:100",
            io.deltachain.core.tx.RoundTraining.dataSeed("101", 0)).toProto())
        .addAssignments(Assignment.newBuilder().setTrainerAddress(ByteString.copyFrom(TRAINER.address()))
            .setFirstLayer(0).setLastLayer(0).setMode(TrainingMode.LORA).setLoraRank(4).setShardIndex(0)
            .setPrecision("fp32"))
        .build();
    TxReceipt started = await(chain.submitStartRound(start));
    // The coordinator was not registered: the adapter registered it before its first transaction.
    eventually(Duration.ofSeconds(30), "the round start as an event",
        () -> live.events().contains("started 101 at " + started.height() + " tx " + started.txHash()));
    assertThat(live.events()).contains("registered " + COORDINATOR.addressHex().toLowerCase(Locale.ROOT)
        + " COORDINATOR round-service");
    assertThat(await(client.queryJson("/round/101")).getString("coordinator")).isEqualTo(COORDINATOR.addressHex());

    assertThatThrownBy(() -> await(chain.submitStartRound(start)))
        .isInstanceOf(ChainRejectedException.class).hasMessageContaining("101");
    assertThatThrownBy(() -> await(chain.submitDelta(trainer, delta(base, 1))))
        .isInstanceOf(SignatureRequiredException.class).hasMessageContaining("submit_signed_delta");

    TxSigner trainerSigner = new TxSigner(TRAINER, CHAIN, last(TRAINER));
    TxReceipt good = await(chain.submitSignedDelta(trainerSigner.submitDelta(delta(base, 1))));
    TxReceipt bad = await(chain.submitSignedDelta(trainerSigner.submitDelta(delta(base, 2))));
    assertThat(await(client.queryJson("/delta/" + good.txHash())).getString("trainer")).isEqualTo(TRAINER.addressHex());
    assertThatThrownBy(() -> await(chain.submitSignedDelta(new byte[] {1, 2, 3})))
        .isInstanceOf(ChainRejectedException.class).hasMessageContaining("not a deltachain transaction");
    eventually(Duration.ofSeconds(30), "both deltas as events", () -> live.events().containsAll(List.of(
        "delta " + good.txHash() + " by " + trainer + " at " + good.height(),
        "delta " + bad.txHash() + " by " + trainer + " at " + bad.height())));

    NodeKey validator = net.node(0).validatorKey;
    TxSigner v = new TxSigner(validator, CHAIN, last(validator));
    commit(v.verdicts(List.of(TxSigner.verdict(HEX.parseHex(good.txHash()), true, 400_000),
        TxSigner.verdict(HEX.parseHex(bad.txHash()), false, 0, "NORM_RATIO_EXCEEDED", "HARMS_EVAL_SET"))));
    eventually(Duration.ofSeconds(30), "both verdict outcomes as events", () -> live.events().containsAll(List.of(
        "status " + good.txHash() + " ACCEPTED []",
        "status " + bad.txHash() + " REJECTED [NORM_RATIO_EXCEEDED, HARMS_EVAL_SET]")));

    byte[] checkpoint = ContentHash.sha256("checkpoint".getBytes(StandardCharsets.UTF_8)).bytes();
    commit(v.proposeCheckpoint(ProposeCheckpoint.newBuilder().setRoundId("101").setLayer(LAYER)
        .setParentHash(ByteString.copyFrom(base)).setCheckpointHash(ByteString.copyFrom(checkpoint))
        .setCid("bafkcheckpoint").setMethod(AggregationMethod.WEIGHTED_MEAN)
        .addContributingDeltas(ByteString.copyFrom(HEX.parseHex(good.txHash()))).build()));
    eventually(Duration.ofSeconds(30), "the checkpoint as an event",
        () -> live.events().contains("checkpoint 101 " + LAYER + " " + HEX.formatHex(checkpoint) + " bafkcheckpoint"));
    assertThat(await(chain.heads())).containsEntry(LAYER, HEX.formatHex(checkpoint));
    List<LineageEntry> lineage = await(chain.lineage(LAYER));
    assertThat(lineage).singleElement().satisfies(e -> {
      assertThat(e.checkpointHash()).isEqualTo(HEX.formatHex(checkpoint));
      assertThat(e.parentHash()).isEqualTo(HEX.formatHex(base));
      assertThat(e.roundId()).isEqualTo("101");
      assertThat(e.cid()).isEqualTo("bafkcheckpoint");
      assertThat(e.contributingDeltas()).containsExactly(good.txHash());
    });
    assertThat(await(chain.lineage("model.layers.3"))).isEmpty();

    TxReceipt fin = await(chain.submitFinalize(FinalizeRound.newBuilder().setRoundId("101").setReason("done").build()));
    eventually(Duration.ofSeconds(30), "the finalization as an event",
        () -> live.events().contains("finalized 101 at " + fin.height() + ": done"));
    assertThatThrownBy(() -> await(chain.submitFinalize(FinalizeRound.newBuilder().setRoundId("101").build())))
        .isInstanceOf(ChainRejectedException.class).hasMessageContaining("already FINALIZED");
    assertThatThrownBy(() -> await(chain.submitFinalize(FinalizeRound.newBuilder().setRoundId("nope").build())))
        .isInstanceOf(ChainRejectedException.class).hasMessageContaining("no round 'nope'");

    // A restarted coordinator: a fresh adapter replays from height 1 and learns the same story.
    CometRoundChain restarted = new CometRoundChain(vertx.getOrCreateContext(), client, COORDINATOR, CHAIN, 100);
    Recorder replay = new Recorder();
    long reached = await(restarted.replayAndSubscribe(replay));
    assertThat(reached).isGreaterThanOrEqualTo(fin.height());
    List<String> expected = live.events().subList(0, live.events().indexOf("finalized 101 at " + fin.height() + ": done") + 1);
    assertThat(replay.events()).startsWith(expected.toArray(String[]::new));
    assertThat(await(restarted.heads())).containsEntry(LAYER, HEX.formatHex(checkpoint));
    assertThat(replay.lastHeight).isGreaterThanOrEqualTo(fin.height());
    chain.stop();
    restarted.stop();
  }

  private static SubmitDelta delta(byte[] base, int n) {
    return SubmitDelta.newBuilder().setRoundId("101").setLayer(LAYER).setBaseHash(ByteString.copyFrom(base))
        .setContentHash(ByteString.copyFrom(ContentHash.sha256(new byte[] {(byte) n}).bytes())).setCid("bafkdelta" + n).setSizeBytes(1000)
        .setMode(TrainingMode.LORA).setLoraRank(4).setTokens(5000).setShardIndex(0).setLossBeforeMicro(5_000_000)
        .setLossAfterMicro(4_000_000).build();
  }

  /** Every non-block event as a line, in the order they came. */
  private static final class Recorder implements ChainEvents {
    private final List<String> events = new CopyOnWriteArrayList<>();
    volatile long lastHeight;

    List<String> events() {
      return new ArrayList<>(events);
    }

    @Override
    public void onNewBlock(long height) {
      lastHeight = height;
    }

    @Override
    public void onNodeRegistered(long height, String address, RegisterNode r) {
      events.add("registered " + address + " " + r.getRole() + " " + r.getMoniker());
    }

    @Override
    public void onRoundStarted(long height, String txHash, StartRound start) {
      events.add("started " + start.getRoundId() + " at " + height + " tx " + txHash);
    }

    @Override
    public void onDeltaCommitted(long height, String deltaId, String trainerAddress, SubmitDelta delta) {
      events.add("delta " + deltaId + " by " + trainerAddress + " at " + height);
    }

    @Override
    public void onDeltaStatus(long height, String deltaId, DeltaStatus status, List<String> reasons) {
      events.add("status " + deltaId + " " + status + " " + reasons);
    }

    @Override
    public void onCheckpointAccepted(long height, String roundId, String layer, String hash, String cid, long size) {
      events.add("checkpoint " + roundId + " " + layer + " " + hash + " " + cid);
    }

    @Override
    public void onRoundFinalized(long height, String roundId, String reason) {
      events.add("finalized " + roundId + " at " + height + ": " + reason);
    }
  }

  private static NodeKey key(int n) {
    byte[] seed = new byte[32];
    seed[0] = (byte) n;
    seed[1] = 42;
    return NodeKey.fromSeed(seed);
  }

  private static long last(NodeKey k) {
    return await(client.lastNonce(k.address()));
  }

  private static void commit(byte[] tx) {
    ChainClient.CommitResult r = await(client.broadcastTxCommit(tx));
    assertThat(r.ok()).as("committed: %s %s", r.checkTx().log(), r.txLog()).isTrue();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
