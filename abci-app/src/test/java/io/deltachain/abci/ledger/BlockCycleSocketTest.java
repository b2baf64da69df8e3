package io.deltachain.abci.ledger;

import static io.deltachain.abci.ledger.LedgerHarness.hex;
import static io.deltachain.abci.ledger.LedgerHarness.round;
import static io.deltachain.abci.ledger.LedgerHarness.txHash;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.deltachain.abci.proto.Request;
import io.deltachain.abci.proto.RequestCheckTx;
import io.deltachain.abci.proto.RequestCommit;
import io.deltachain.abci.proto.RequestFinalizeBlock;
import io.deltachain.abci.proto.RequestInitChain;
import io.deltachain.abci.proto.RequestPrepareProposal;
import io.deltachain.abci.proto.RequestProcessProposal;
import io.deltachain.abci.proto.RequestQuery;
import io.deltachain.abci.proto.Response;
import io.deltachain.abci.proto.ResponseFinalizeBlock;
import io.deltachain.abci.proto.ResponseProcessProposal;
import io.deltachain.abci.proto.ValidatorUpdate;
import io.deltachain.abci.proto.crypto.PublicKey;
import io.deltachain.abci.server.AbciServerVerticle;
import io.deltachain.abci.server.AbciSocketClient;
import io.deltachain.abci.store.RocksStateStore;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole ABCI block cycle over a real socket, without CometBFT: the handshake Info frame
 * exactly as CometBFT v0.38.25 sends it, then InitChain, pipelined CheckTx, PrepareProposal,
 * ProcessProposal, FinalizeBlock, Commit and Query, each request framed by the generated
 * classes; then a restart from the RocksDB store reports the committed height and app hash.
 */
@ExtendWith(VertxExtension.class)
class BlockCycleSocketTest {
  private final List<String> halts = new CopyOnWriteArrayList<>();

  private AbciServerVerticle deploy(Vertx vertx, LedgerApp app) throws Exception {
    AbciServerVerticle server = new AbciServerVerticle(app, "127.0.0.1", 0, (reason, cause) -> halts.add(reason));
    vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return server;
  }

  @Test
  @DisplayName("Info, InitChain, CheckTx, PrepareProposal, ProcessProposal, FinalizeBlock, Commit and Query over the socket; restart keeps height and app hash")
  void blockCycle(Vertx vertx, @TempDir Path dir) throws Exception {
    LedgerHarness keys = new LedgerHarness(1); // only its deterministic signers are used
    byte[] register = keys.coordinator.registerNode(NodeRole.COORDINATOR, "coord", Capabilities.getDefaultInstance(), 0);
    byte[] start = keys.coordinator.startRound(round("r1", 10, 10));
    byte[] trainer = keys.trainer.registerNode(NodeRole.TRAINER, "gpu", Capabilities.getDefaultInstance(), 0);
    byte[] junk = "not a transaction".getBytes(StandardCharsets.UTF_8);

    RocksStateStore store = RocksStateStore.open(dir.resolve("ledger"));
    LedgerApp app = new LedgerApp(store, LedgerHarness.CHAIN);
    AbciServerVerticle server = deploy(vertx, app);
    byte[] appHash;
    try (AbciSocketClient c = new AbciSocketClient("127.0.0.1", server.actualPort())) {
      // 1. The handshake, byte for byte as CometBFT writes it.
      c.writeRaw(HexFormat.of().parseHex("161a140a07302e33382e3235100b18082205322e302e30021200"));
      Response info = c.read();
      assertThat(c.read().hasFlush()).isTrue();
      assertThat(info.getInfo().getLastBlockHeight()).isZero();
      assertThat(info.getInfo().getAppVersion()).isEqualTo(LedgerApp.APP_VERSION);

      // 2. InitChain with one validator and the genesis app_state.
      Response init = c.call(Request.newBuilder().setInitChain(RequestInitChain.newBuilder()
          .setChainId(LedgerHarness.CHAIN).setInitialHeight(1).setTime(Timestamp.newBuilder().setSeconds(1_700_000_000))
          .setAppStateBytes(ByteString.copyFromUtf8(keys.genesis().encode()))
          .addValidators(ValidatorUpdate.newBuilder().setPower(10).setPubKey(PublicKey.newBuilder()
              .setEd25519(ByteString.copyFrom(keys.validators.get(0).key().publicKey()))))).build());
      assertThat(init.getInitChain().getAppHash().size()).isEqualTo(32);
      assertThat(init.getInitChain().getValidatorsCount()).isZero();

      // 3. Pipelined CheckTx (mempool style): three good, one junk, then one Flush.
      for (byte[] tx : List.of(register, trainer, junk, start)) {
        c.send(Request.newBuilder().setCheckTx(RequestCheckTx.newBuilder().setTx(ByteString.copyFrom(tx))).build());
      }
      c.sendFlush();
      assertThat(c.read().getCheckTx().getCode()).isEqualTo(TxCode.OK.code());
      assertThat(c.read().getCheckTx().getCode()).isEqualTo(TxCode.OK.code());
      assertThat(c.read().getCheckTx().getCode()).isEqualTo(TxCode.MALFORMED.code());
      // StartRound needs the coordinator registered in committed state: refused for now.
      assertThat(c.read().getCheckTx().getCode()).isEqualTo(TxCode.NOT_REGISTERED.code());
      assertThat(c.read().hasFlush()).isTrue();

      // 4. PrepareProposal keeps order, drops junk, and respects max_tx_bytes (proto-encoded size).
      long both = LedgerApp.encodedSize(register.length) + LedgerApp.encodedSize(trainer.length);
      Response prep = c.call(Request.newBuilder().setPrepareProposal(RequestPrepareProposal.newBuilder()
          .setMaxTxBytes(both).setHeight(1).addTxs(ByteString.copyFrom(register)).addTxs(ByteString.copyFrom(junk))
          .addTxs(ByteString.copyFrom(trainer))).build());
      assertThat(prep.getPrepareProposal().getTxsList()).containsExactly(ByteString.copyFrom(register), ByteString.copyFrom(trainer));
      Response tight = c.call(Request.newBuilder().setPrepareProposal(RequestPrepareProposal.newBuilder()
          .setMaxTxBytes(both - 1).setHeight(1).addTxs(ByteString.copyFrom(register)).addTxs(ByteString.copyFrom(trainer))).build());
      assertThat(tight.getPrepareProposal().getTxsCount()).isEqualTo(1);

      // 5. ProcessProposal: ACCEPT for good txs, REJECT when junk is included, never UNKNOWN.
      Response accept = c.call(Request.newBuilder().setProcessProposal(RequestProcessProposal.newBuilder()
          .setHeight(1).addAllTxs(prep.getPrepareProposal().getTxsList())).build());
      assertThat(accept.getProcessProposal().getStatus()).isEqualTo(ResponseProcessProposal.ProposalStatus.ACCEPT);
      Response reject = c.call(Request.newBuilder().setProcessProposal(RequestProcessProposal.newBuilder()
          .setHeight(1).addTxs(ByteString.copyFrom(junk))).build());
      assertThat(reject.getProcessProposal().getStatus()).isEqualTo(ResponseProcessProposal.ProposalStatus.REJECT);

      // 6. FinalizeBlock: one result per tx, events, app hash; then Commit.
      Response fin = c.call(Request.newBuilder().setFinalizeBlock(RequestFinalizeBlock.newBuilder().setHeight(1)
          .setTime(Timestamp.newBuilder().setSeconds(1_700_000_001))
          .addTxs(ByteString.copyFrom(register)).addTxs(ByteString.copyFrom(trainer)).addTxs(ByteString.copyFrom(start))).build());
      ResponseFinalizeBlock fb = fin.getFinalizeBlock();
      assertThat(fb.getTxResultsCount()).isEqualTo(3);
      assertThat(fb.getTxResultsList()).allSatisfy(r -> assertThat(r.getCode()).isZero());
      assertThat(fb.getTxResults(2).getEventsList()).anySatisfy(e -> {
        assertThat(e.getType()).isEqualTo("round");
        assertThat(e.getAttributesList()).anySatisfy(a -> {
          assertThat(a.getKey()).isEqualTo("id");
          assertThat(a.getValue()).isEqualTo("r1");
          assertThat(a.getIndex()).isTrue();
        });
      });
      appHash = fb.getAppHash().toByteArray();
      // Between FinalizeBlock and Commit, queries still see the committed (empty) state.
      assertThat(c.call(Request.newBuilder().setQuery(RequestQuery.newBuilder().setPath("/round/r1")).build())
          .getQuery().getCode()).isEqualTo(LedgerQueries.QueryCode.NOT_FOUND.code);
      assertThat(c.call(Request.newBuilder().setCommit(RequestCommit.getDefaultInstance()).build()).getCommit().getRetainHeight())
          .isZero();

      // 7. Query sees the committed block.
      Response q = c.call(Request.newBuilder().setQuery(RequestQuery.newBuilder().setPath("/round/r1")).build());
      assertThat(q.getQuery().getCode()).isZero();
      assertThat(q.getQuery().getHeight()).isEqualTo(1);
      JsonObject round = new JsonObject(q.getQuery().getValue().toStringUtf8());
      assertThat(round.getString("status")).isEqualTo("OPEN");
      assertThat(round.getString("coordinator")).isEqualTo(keys.coordinator.key().addressHex());
      assertThat(round.getLong("training_deadline")).isEqualTo(11);
      // the round's training settings as the StartRound fixed them, readable by any node
      assertThat(round.getJsonObject("training").getMap()).containsEntry("steps", 10).containsEntry("batch_size", 4)
          .containsEntry("sequence_length", 32).containsEntry("learning_rate_e9", "1000000")
          .containsEntry("lora_alpha_milli", 8000).containsEntry("base_model", "random:7")
          .containsEntry("dataset", "europarl:100").containsEntry("data_seed", "7");

      Response info2 = c.call(Request.newBuilder().setInfo(io.deltachain.abci.proto.RequestInfo.getDefaultInstance()).build());
      assertThat(info2.getInfo().getLastBlockHeight()).isEqualTo(1);
      assertThat(info2.getInfo().getLastBlockAppHash().toByteArray()).isEqualTo(appHash);
    }
    vertx.undeploy(server.deploymentID()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    store.close();

    // Restart from the store: Info reports exactly the committed height and app hash.
    RocksStateStore reopened = RocksStateStore.open(dir.resolve("ledger"));
    try {
      LedgerApp again = new LedgerApp(reopened, LedgerHarness.CHAIN);
      AbciServerVerticle server2 = deploy(vertx, again);
      try (AbciSocketClient c = new AbciSocketClient("127.0.0.1", server2.actualPort())) {
        Response info = c.call(Request.newBuilder().setInfo(io.deltachain.abci.proto.RequestInfo.getDefaultInstance()).build());
        assertThat(info.getInfo().getLastBlockHeight()).isEqualTo(1);
        assertThat(hex(info.getInfo().getLastBlockAppHash().toByteArray())).isEqualTo(hex(appHash));
        Response q = c.call(Request.newBuilder().setQuery(RequestQuery.newBuilder()
            .setPath("/node/" + keys.trainer.key().addressHex())).build());
        assertThat(new JsonObject(q.getQuery().getValue().toStringUtf8()).getString("role")).isEqualTo("TRAINER");
        // The next block continues from the restored state.
        byte[] delta = keys.trainer.submitDelta(LedgerHarness.delta("r1", "after-restart"));
        Response fin = c.call(Request.newBuilder().setFinalizeBlock(RequestFinalizeBlock.newBuilder().setHeight(2)
            .addTxs(ByteString.copyFrom(delta))).build());
        assertThat(fin.getFinalizeBlock().getTxResults(0).getCode()).isZero();
        assertThat(fin.getFinalizeBlock().getTxResults(0).getData().toByteArray()).isEqualTo(txHash(delta));
        c.call(Request.newBuilder().setCommit(RequestCommit.getDefaultInstance()).build());
      }
      vertx.undeploy(server2.deploymentID()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      reopened.close();
    }
    assertThat(halts).isEmpty();
  }

  @Test
  @DisplayName("a FinalizeBlock out of sequence halts the app instead of answering")
  void outOfOrderBlockHalts(Vertx vertx) throws Exception {
    LedgerHarness h = new LedgerHarness(1);
    h.init();
    AbciServerVerticle server = deploy(vertx, h.app);
    try (AbciSocketClient c = new AbciSocketClient("127.0.0.1", server.actualPort())) {
      Response r = c.call(Request.newBuilder().setFinalizeBlock(RequestFinalizeBlock.newBuilder().setHeight(5)).build());
      assertThat(r.hasException()).isTrue();
      assertThat(halts).singleElement().asString().contains("FinalizeBlock at height 5 after committed height 1");
    }
    vertx.undeploy(server.deploymentID()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
