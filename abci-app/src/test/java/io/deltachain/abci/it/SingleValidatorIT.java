package io.deltachain.abci.it;

import static io.deltachain.abci.it.ChainFixture.LAYER;
import static io.deltachain.abci.it.ChainFixture.await;
import static io.deltachain.abci.it.ChainFixture.commit;
import static io.deltachain.core.testing.Waits.eventually;
import static io.deltachain.abci.it.ChainFixture.hex;
import static io.deltachain.abci.it.ChainFixture.sha;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.ChainEvent;
import io.deltachain.abci.client.EventSubscription;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.ledger.MerkleTree;
import io.deltachain.abci.ledger.TxCode;
import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, must-show 1: one real CometBFT validator with the abci-app in this JVM. A round
 * runs end to end through the JSON-RPC and the websocket, and the ledger's answers are
 * checked against the chain (Merkle proof against the header's app hash).
 */
class SingleValidatorIT {
  private static final String CHAIN = "deltachain-it-single";
  private static Vertx vertx;
  private static LocalNet net;
  private static ChainClient client;
  private static final NodeKey COORDINATOR = ChainFixture.key(1);
  private static final NodeKey TRAINER = ChainFixture.key(2);

  @BeforeAll
  static void startNetwork() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("deltachain-single-");
    net = LocalNet.create(new LocalNet.Options(1, dir, CHAIN, ChainFixture.appState(COORDINATOR), "200ms", "1s", true,
        LocalNet.AppMode.IN_PROCESS, "info"));
    net.start();
    client = new ChainClient(vertx, net.node(0).rpcUrl());
    ChainFixture.awaitHeight(client, 2, Duration.ofSeconds(60));
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
        vertx.close().toCompletionStage().toCompletableFuture().get();
      }
    }
  }

  @Test
  @DisplayName("register, start a round, submit a delta, verdict accepts it, a checkpoint is accepted and the lineage is queryable")
  void roundEndToEnd() {
    // Test methods share the chain and run in any order: signers start from the ledger's nonces.
    TxSigner validator = new TxSigner(net.node(0).validatorKey, CHAIN, await(client.lastNonce(net.node(0).validatorKey.address())));
    TxSigner coordinator = registeredCoordinator();
    TxSigner trainer = new TxSigner(TRAINER, CHAIN, 0);

    List<ChainEvent> accepted = new CopyOnWriteArrayList<>();
    EventSubscription sub = client.subscribe("tm.event='Tx' AND delta.status='ACCEPTED'", accepted::add);
    try {
      eventually(Duration.ofSeconds(10), "the websocket subscription", sub::connected);

      commit(client, trainer.registerNode(NodeRole.TRAINER, "trainer-1",
          Capabilities.newBuilder().setDevice("cpu").setGpuClass("cpu").setMemoryBytes(1L << 33).build(), 0));
      commit(client, coordinator.startRound(ChainFixture.round("round-1", 1_000, 1_000)));
      byte[] submit = trainer.submitDelta(ChainFixture.delta("round-1", "delta-1", new byte[0]));
      ChainClient.CommitResult submitted = commit(client, submit);
      byte[] deltaId = submitted.txData();
      assertThat(hex(deltaId)).isEqualToIgnoringCase(ChainClient.txHash(submit));
      assertThat(await(client.queryJson("/delta/" + hex(deltaId))).getString("status")).isEqualTo("PENDING");

      commit(client, validator.verdicts(List.of(TxSigner.verdict(deltaId, true, 870_000, "LOSS_IMPROVED"))));
      JsonObject delta = await(client.queryJson("/delta/" + hex(deltaId)));
      assertThat(delta.getString("status")).isEqualTo("ACCEPTED");
      assertThat(delta.getJsonArray("verdicts").getJsonObject(0).getString("validator"))
          .isEqualTo(net.node(0).validatorKey.addressHex());
      eventually(Duration.ofSeconds(10), "the ACCEPTED event on the websocket", () -> !accepted.isEmpty());
      assertThat(accepted.get(0).first("delta.id")).isEqualTo(hex(deltaId));
      assertThat(accepted.get(0).txCode()).isZero();

      byte[] ckpt = sha("checkpoint-round-1");
      commit(client, validator.proposeCheckpoint(ChainFixture.checkpoint("round-1", new byte[0], ckpt, deltaId)));
      assertThat(await(client.queryJson("/layer/" + LAYER + "/head")).getString("head")).isEqualTo(hex(ckpt));
      JsonArray lineage = await(client.queryJson("/layer/" + LAYER + "/lineage")).getJsonArray("lineage");
      assertThat(lineage).hasSize(1);
      assertThat(lineage.getJsonObject(0).getJsonArray("contributing_deltas").getString(0)).isEqualTo(hex(deltaId));
      assertThat(lineage.getJsonObject(0).getString("status")).isEqualTo("ACCEPTED");

      JsonObject node = await(client.queryJson("/node/" + TRAINER.addressHex()));
      assertThat(node.getLong("reputation")).isEqualTo(1_010);
      JsonObject vals = await(client.queryJson("/validators"));
      assertThat(vals.getLong("total_power")).isEqualTo(10);
      assertThat(await(client.lastNonce(TRAINER.address()))).isEqualTo(2);
    } finally {
      sub.close();
    }
  }

  /** The genesis coordinator, registered once whichever test runs first. */
  private static synchronized TxSigner registeredCoordinator() {
    TxSigner coordinator = new TxSigner(COORDINATOR, CHAIN, await(client.lastNonce(COORDINATOR.address())));
    if (coordinator.lastNonce() == 0) {
      commit(client, coordinator.registerNode(NodeRole.COORDINATOR, "coordinator", Capabilities.getDefaultInstance(), 0));
    }
    return coordinator;
  }

  @Test
  @DisplayName("the VerdictBatcher sends all verdicts queued before a block as one transaction")
  void verdictBatcherOneTxPerBlock() {
    TxSigner coordinator = registeredCoordinator();
    commit(client, coordinator.startRound(ChainFixture.round("batched", 1_000, 1_000)));
    TxSigner trainer = new TxSigner(ChainFixture.key(4), CHAIN, 0);
    commit(client, trainer.registerNode(NodeRole.TRAINER, "batch-trainer", Capabilities.getDefaultInstance(), 0));
    List<byte[]> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(commit(client, trainer.submitDelta(ChainFixture.delta("batched", "b" + i, new byte[0]))).txData());
    }
    byte[] validatorAddress = net.node(0).validatorKey.address();
    long nonceBefore = await(client.lastNonce(validatorAddress));
    TxSigner validator = new TxSigner(net.node(0).validatorKey, CHAIN, nonceBefore);
    try (io.deltachain.abci.client.VerdictBatcher batcher =
        new io.deltachain.abci.client.VerdictBatcher(client, validator, 4_096).flushEveryBlock()) {
      eventually(Duration.ofSeconds(10), "the block subscription", batcher::subscribed);
      batcher.addAll(ids.stream().map(id -> TxSigner.verdict(id, true, 500_000)).toList());
      for (byte[] id : ids) {
        eventually(Duration.ofSeconds(20), "delta accepted", () ->
            "ACCEPTED".equals(await(client.queryJson("/delta/" + hex(id))).getString("status")));
      }
      assertThat(batcher.batchesSent()).isEqualTo(1);
      assertThat(batcher.pending()).isZero();
    }
    assertThat(await(client.lastNonce(validatorAddress))).as("one transaction carried all five verdicts").isEqualTo(nonceBefore + 1);
  }

  @Test
  @DisplayName("a Merkle proof from /proof verifies against the app hash the chain committed in the next header")
  void proofAgainstHeader() {
    TxSigner trainer = new TxSigner(ChainFixture.key(3), CHAIN, 0);
    commit(client, trainer.registerNode(NodeRole.TRAINER, "prover", Capabilities.getDefaultInstance(), 0));
    JsonObject p = await(client.queryJson("/proof/node/" + ChainFixture.key(3).addressHex()));
    long h = p.getLong("height");
    List<byte[]> aunts = new ArrayList<>();
    p.getJsonArray("aunts").forEach(a -> aunts.add(HexFormat.of().parseHex((String) a)));
    byte[] item = MerkleTree.stateItem(p.getString("key"), HexFormat.of().parseHex(p.getString("value")));
    ChainFixture.awaitHeight(client, h + 1, Duration.ofSeconds(30));
    byte[] headerHash = HexFormat.of().parseHex(await(client.headerAppHash(h + 1)).toLowerCase());
    assertThat(MerkleTree.verify(headerHash, p.getInteger("index"), p.getInteger("total"), item, aunts)).isTrue();
  }

  @Test
  @DisplayName("the node's RPC relays CheckTx refusals with the ledger's codes and keeps running")
  void checkTxRefusalsOverRpc() {
    TxSigner stranger = new TxSigner(ChainFixture.key(9), CHAIN, 0);
    ChainClient.BroadcastResult r = await(client.broadcastTxSync(stranger.verdicts(List.of(TxSigner.verdict(sha("x"), true, 1)))));
    assertThat(r.code()).isEqualTo(TxCode.NOT_VALIDATOR.code());
    assertThat(r.log()).contains("not in the validator set");
    ChainClient.BroadcastResult junk = await(client.broadcastTxSync("hello chain".getBytes()));
    assertThat(junk.code()).isEqualTo(TxCode.MALFORMED.code());
    long before = ChainFixture.height(client);
    ChainFixture.awaitHeight(client, before + 2, Duration.ofSeconds(30));
  }
}
