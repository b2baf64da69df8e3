package io.deltachain.abci.it;

import static io.deltachain.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Shared pieces of the real-node integration tests. */
final class ChainFixture {
  static final String LAYER = "model.layers.0.mlp.down_proj";

  private ChainFixture() {}

  static NodeKey key(int n) {
    byte[] seed = new byte[32];
    seed[0] = (byte) n;
    seed[1] = 7;
    return NodeKey.fromSeed(seed);
  }

  static JsonObject appState(NodeKey coordinator) {
    return new JsonObject().put("coordinators", new JsonArray().add(coordinator.addressHex()))
        .put("validator_allowlist", new JsonObject());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static long height(ChainClient c) {
    return await(c.status()).latestHeight();
  }

  static void awaitHeight(ChainClient c, long h, Duration timeout) {
    eventually(timeout, "height " + h + " on " + c.host() + ":" + c.port(), () -> height(c) >= h);
  }

  static byte[] sha(String s) {
    return ContentHash.sha256(s.getBytes(StandardCharsets.UTF_8)).bytes();
  }

  static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  static StartRound round(String id, long trainingBlocks, long validationBlocks) {
    return StartRound.newBuilder().setRoundId(id).setModelId("tiny").setPlanHash(ByteString.copyFrom(sha("plan")))
        .setEvalSeed(99).setEvalSetHash(ByteString.copyFrom(sha("eval"))).setShardCount(1)
        .setTrainingBlocks(trainingBlocks).setValidationBlocks(validationBlocks)
        .setAggregation(AggregationMethod.COORDINATE_MEDIAN)
        .setTraining(io.deltachain.core.tx.proto.TrainingSettings.newBuilder().setSteps(10).setBatchSize(4)
            .setSequenceLength(32).setLearningRateE9(1_000_000).setLoraAlphaMilli(8_000).setBaseModel("random:7")
            .setDataset("europarl:100").setDataSeed(7)).build();
  }

  static SubmitDelta delta(String roundId, String content, byte[] base) {
    return SubmitDelta.newBuilder().setRoundId(roundId).setLayer(LAYER).setBaseHash(ByteString.copyFrom(base))
        .setContentHash(ByteString.copyFrom(sha(content))).setCid("bafkrei" + content).setSizeBytes(4096)
        .setMode(TrainingMode.LORA).setLoraRank(4).setTokens(512).build();
  }

  static ProposeCheckpoint checkpoint(String roundId, byte[] parent, byte[] hash, byte[]... deltas) {
    ProposeCheckpoint.Builder b = ProposeCheckpoint.newBuilder().setRoundId(roundId).setLayer(LAYER)
        .setParentHash(ByteString.copyFrom(parent)).setCheckpointHash(ByteString.copyFrom(hash)).setCid("bafyckpt")
        .setMethod(AggregationMethod.COORDINATE_MEDIAN);
    for (byte[] d : deltas) {
      b.addContributingDeltas(ByteString.copyFrom(d));
    }
    return b.build();
  }

  /** Commits {@code tx} and asserts it succeeded; returns the block height. */
  static ChainClient.CommitResult commit(ChainClient c, byte[] tx) {
    ChainClient.CommitResult r = await(c.broadcastTxCommit(tx));
    assertThat(r.checkTx().code()).as("CheckTx: %s", r.checkTx().log()).isZero();
    assertThat(r.txCode()).as("FinalizeBlock: %s", r.txLog()).isZero();
    return r;
  }

  static TxSigner signer(NodeKey key, String chainId) {
    return new TxSigner(key, chainId, 0);
  }
}
