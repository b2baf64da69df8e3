package io.deltachain.abci.ledger;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.proto.ExecTxResult;
import io.deltachain.abci.proto.RequestCheckTx;
import io.deltachain.abci.proto.RequestCommit;
import io.deltachain.abci.proto.RequestFinalizeBlock;
import io.deltachain.abci.proto.RequestInitChain;
import io.deltachain.abci.proto.RequestQuery;
import io.deltachain.abci.proto.ResponseCheckTx;
import io.deltachain.abci.proto.ResponseFinalizeBlock;
import io.deltachain.abci.proto.ResponseQuery;
import io.deltachain.abci.proto.ValidatorUpdate;
import io.deltachain.abci.proto.crypto.PublicKey;
import io.deltachain.abci.store.MemoryStateStore;
import io.deltachain.abci.store.StateStore;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Drives a {@link LedgerApp} through genesis and blocks without a node, with deterministic keys. */
final class LedgerHarness {
  static final String CHAIN = "deltachain-test";
  static final String LAYER = "model.layers.0.self_attn.q_proj";

  final StateStore store;
  final LedgerApp app;
  final List<TxSigner> validators = new ArrayList<>();
  final TxSigner coordinator = new TxSigner(key(100), CHAIN, 0);
  final TxSigner trainer = new TxSigner(key(101), CHAIN, 0);
  final TxSigner outsider = new TxSigner(key(102), CHAIN, 0);
  long height;

  LedgerHarness(int validatorCount) {
    this(validatorCount, new MemoryStateStore());
  }

  LedgerHarness(int validatorCount, StateStore store) {
    this.store = store;
    this.app = new LedgerApp(store, CHAIN);
    for (int i = 0; i < validatorCount; i++) {
      validators.add(new TxSigner(key(i + 1), CHAIN, 0));
    }
  }

  static NodeKey key(int n) {
    byte[] seed = new byte[32];
    seed[0] = (byte) n;
    seed[31] = 42;
    return NodeKey.fromSeed(seed);
  }

  JsonObject genesis() {
    return new JsonObject()
        .put("coordinators", new JsonArray().add(coordinator.key().addressHex()))
        .put("validator_allowlist", new JsonObject().put(key(50).addressHex(), 5))
        .put("params", new JsonObject().put("max_verdicts_per_batch", 5000));
  }

  ResponseFinalizeBlock init() {
    RequestInitChain.Builder r = RequestInitChain.newBuilder().setChainId(CHAIN).setInitialHeight(1)
        .setTime(Timestamp.newBuilder().setSeconds(1_700_000_000))
        .setAppStateBytes(ByteString.copyFrom(genesis().encode(), StandardCharsets.UTF_8));
    for (TxSigner v : validators) {
      r.addValidators(ValidatorUpdate.newBuilder().setPower(10)
          .setPubKey(PublicKey.newBuilder().setEd25519(ByteString.copyFrom(v.key().publicKey()))));
    }
    app.initChain(r.build());
    return block();
  }

  /** Finalizes and commits one block with these transactions. */
  ResponseFinalizeBlock block(byte[]... txs) {
    height++;
    RequestFinalizeBlock.Builder r = RequestFinalizeBlock.newBuilder().setHeight(height)
        .setTime(Timestamp.newBuilder().setSeconds(1_700_000_000 + height));
    for (byte[] tx : txs) {
      r.addTxs(ByteString.copyFrom(tx));
    }
    ResponseFinalizeBlock resp = app.finalizeBlock(r.build());
    app.commit(RequestCommit.getDefaultInstance());
    return resp;
  }

  /** Finalizes one block and asserts every transaction succeeded. */
  ResponseFinalizeBlock okBlock(byte[]... txs) {
    ResponseFinalizeBlock r = block(txs);
    for (int i = 0; i < r.getTxResultsCount(); i++) {
      ExecTxResult x = r.getTxResults(i);
      if (x.getCode() != 0) {
        throw new AssertionError("tx " + i + " failed with " + TxCode.of(x.getCode()) + ": " + x.getLog());
      }
    }
    return r;
  }

  ResponseCheckTx checkTx(byte[] tx) {
    return app.checkTx(RequestCheckTx.newBuilder().setTx(ByteString.copyFrom(tx)).build());
  }

  JsonObject query(String path) {
    ResponseQuery r = app.query(RequestQuery.newBuilder().setPath(path).build());
    if (r.getCode() != 0) {
      throw new AssertionError("query " + path + " failed with code " + r.getCode() + ": " + r.getLog());
    }
    return new JsonObject(r.getValue().toString(StandardCharsets.UTF_8));
  }

  ResponseQuery rawQuery(String path) {
    return app.query(RequestQuery.newBuilder().setPath(path).build());
  }

  /** Registers the coordinator and the trainer. */
  void registerParticipants() {
    okBlock(coordinator.registerNode(NodeRole.COORDINATOR, "coord", Capabilities.getDefaultInstance(), 0),
        trainer.registerNode(NodeRole.TRAINER, "gpu-1", Capabilities.newBuilder().setDevice("cpu").setGpuClass("cpu").build(), 0));
  }

  static byte[] sha(String s) {
    return ContentHash.sha256(s.getBytes(StandardCharsets.UTF_8)).bytes();
  }

  static StartRound round(String id, long trainingBlocks, long validationBlocks) {
    return StartRound.newBuilder().setRoundId(id).setModelId("tiny-llama").setPlanHash(ByteString.copyFrom(sha("plan-" + id)))
        .setEvalSeed(12345).setEvalSetHash(ByteString.copyFrom(sha("eval-" + id))).setShardCount(1)
        .setTrainingBlocks(trainingBlocks).setValidationBlocks(validationBlocks)
        .setAggregation(AggregationMethod.TRIMMED_MEAN).setByzantineF(1)
        .setTraining(io.deltachain.core.tx.proto.TrainingSettings.newBuilder().setSteps(10).setBatchSize(4)
            .setSequenceLength(32).setLearningRateE9(1_000_000).setLoraAlphaMilli(8_000).setBaseModel("random:7")
            .setDataset("europarl:100").setDataSeed(7)).build();
  }

  static SubmitDelta delta(String roundId, String content) {
    return delta(roundId, LAYER, content, new byte[0]);
  }

  static SubmitDelta delta(String roundId, String layer, String content, byte[] base) {
    return SubmitDelta.newBuilder().setRoundId(roundId).setLayer(layer).setBaseHash(ByteString.copyFrom(base))
        .setContentHash(ByteString.copyFrom(sha(content))).setCid("bafy-" + content).setSizeBytes(1024)
        .setMode(TrainingMode.LORA).setLoraRank(8).setTokens(1000).setLossBeforeMicro(2_000_000)
        .setLossAfterMicro(1_500_000).build();
  }

  static ProposeCheckpoint checkpoint(String roundId, byte[] parent, byte[] hash, byte[]... deltas) {
    ProposeCheckpoint.Builder b = ProposeCheckpoint.newBuilder().setRoundId(roundId).setLayer(LAYER)
        .setParentHash(ByteString.copyFrom(parent)).setCheckpointHash(ByteString.copyFrom(hash))
        .setCid("bafy-ckpt").setMethod(AggregationMethod.TRIMMED_MEAN);
    for (byte[] d : deltas) {
      b.addContributingDeltas(ByteString.copyFrom(d));
    }
    return b.build();
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  static byte[] txHash(byte[] tx) {
    return ContentHash.sha256(tx).bytes();
  }
}
