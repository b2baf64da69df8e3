package io.deltachain.abci.it;

import static io.deltachain.abci.it.ChainFixture.LAYER;
import static io.deltachain.abci.it.ChainFixture.await;
import static io.deltachain.core.testing.Waits.eventually;
import static io.deltachain.abci.it.ChainFixture.hex;
import static io.deltachain.abci.it.ChainFixture.sha;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.ledger.TxCode;
import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 3, must-show 2 and 4: four CometBFT validators on 127.0.0.1 to 127.0.0.4, each with
 * its own abci-app JVM. The round flow with power-weighted verdicts; a Byzantine approver
 * outvoted; CheckTx refusals with the ledger's codes; one validator stopped (the chain keeps
 * finalizing) and restarted (it catches up to the same app hash).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FourValidatorsIT {
  private static final String CHAIN = "deltachain-it-four";
  private static final NodeKey COORDINATOR = ChainFixture.key(11);
  private static final NodeKey TRAINER = ChainFixture.key(12);
  private static Vertx vertx;
  private static LocalNet net;
  private static final List<ChainClient> clients = new ArrayList<>();
  private static final List<TxSigner> validators = new ArrayList<>();
  private static TxSigner coordinator;
  private static TxSigner trainer;
  private static byte[] headCheckpoint;

  @BeforeAll
  static void startNetwork() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("deltachain-four-");
    net = LocalNet.create(new LocalNet.Options(4, dir, CHAIN, ChainFixture.appState(COORDINATOR), "300ms", "1s", true,
        LocalNet.AppMode.SEPARATE_JVM, "info"));
    net.start();
    for (LocalNet.Node n : net.nodes()) {
      clients.add(new ChainClient(vertx, n.rpcUrl()));
      validators.add(new TxSigner(n.validatorKey, CHAIN, 0));
    }
    coordinator = new TxSigner(COORDINATOR, CHAIN, 0);
    trainer = new TxSigner(TRAINER, CHAIN, 0);
    for (ChainClient c : clients) {
      ChainFixture.awaitHeight(c, 2, Duration.ofSeconds(90));
    }
  }

  @AfterAll
  static void stopNetwork() throws Exception {
    try {
      clients.forEach(ChainClient::close);
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

  /**
   * Commits through node {@code via} and waits until every running node has that block, so the
   * next transaction's CheckTx (on whichever node) sees it.
   */
  private static ChainClient.CommitResult commit(int via, byte[] tx) {
    ChainClient.CommitResult r = ChainFixture.commit(clients.get(via), tx);
    for (int i = 0; i < clients.size(); i++) {
      if (net.node(i).cometAlive()) {
        ChainFixture.awaitHeight(clients.get(i), r.height(), Duration.ofSeconds(30));
      }
    }
    return r;
  }

  private static String status(int node, byte[] deltaId) {
    return await(clients.get(node).queryJson("/delta/" + hex(deltaId))).getString("status");
  }

  @Test
  @Order(1)
  @DisplayName("four validators: three approvals (3 of 4 power) accept a delta; a checkpoint accepted by 3 votes moves the head on every node")
  void roundFlow() {
    commit(0, coordinator.registerNode(NodeRole.COORDINATOR, "coordinator", Capabilities.getDefaultInstance(), 0));
    commit(1, trainer.registerNode(NodeRole.TRAINER, "trainer", Capabilities.getDefaultInstance(), 0));
    commit(2, coordinator.startRound(ChainFixture.round("r1", 10_000, 10_000)));
    byte[] deltaId = commit(3, trainer.submitDelta(ChainFixture.delta("r1", "d1", new byte[0]))).txData();

    commit(0, validators.get(0).verdicts(List.of(TxSigner.verdict(deltaId, true, 900_000))));
    commit(1, validators.get(1).verdicts(List.of(TxSigner.verdict(deltaId, true, 910_000))));
    assertThat(status(2, deltaId)).as("2 of 4 is not more than 2/3").isEqualTo("PENDING");
    commit(2, validators.get(2).verdicts(List.of(TxSigner.verdict(deltaId, true, 920_000))));
    for (int i = 0; i < 4; i++) {
      int node = i;
      eventually(Duration.ofSeconds(20), "ACCEPTED on node " + i, () -> status(node, deltaId).equals("ACCEPTED"));
    }

    headCheckpoint = sha("four-ckpt-1");
    commit(0, validators.get(0).proposeCheckpoint(ChainFixture.checkpoint("r1", new byte[0], headCheckpoint, deltaId)));
    commit(1, validators.get(1).checkpointVote("r1", LAYER, headCheckpoint));
    assertThat(clients.get(3).abciQuery("/layer/" + LAYER + "/head", null).map(ChainClient.QueryResult::code)
        .toCompletionStage().toCompletableFuture().join()).as("2 of 4 votes").isNotZero();
    commit(2, validators.get(2).checkpointVote("r1", LAYER, headCheckpoint));
    for (int i = 0; i < 4; i++) {
      int node = i;
      eventually(Duration.ofSeconds(20), "the new head on node " + i, () -> hex(headCheckpoint)
          .equals(await(clients.get(node).queryJson("/layer/" + LAYER + "/head")).getString("head")));
    }
    JsonObject lineage = await(clients.get(3).queryJson("/layer/" + LAYER + "/lineage"));
    assertThat(lineage.getJsonArray("lineage").getJsonObject(0).getLong("approve_power")).isEqualTo(3);
    assertThat(await(clients.get(3).queryJson("/validators")).getLong("total_power")).isEqualTo(4);
  }

  @Test
  @Order(2)
  @DisplayName("a Byzantine validator approving a bad delta while three reject it leaves it REJECTED")
  void byzantineApproverOutvoted() {
    byte[] bad = commit(0, trainer.submitDelta(ChainFixture.delta("r1", "poisoned", headCheckpoint))).txData();
    commit(0, validators.get(0).verdicts(List.of(TxSigner.verdict(bad, true, 999_000))));
    // The three honest verdicts go out at once through three different nodes.
    List<ChainClient.BroadcastResult> sent = new ArrayList<>();
    for (int i = 1; i < 4; i++) {
      sent.add(await(clients.get(i).broadcastTxSync(validators.get(i).verdicts(
          List.of(TxSigner.verdict(bad, false, 0, "LOSS_NOT_IMPROVED"))))));
    }
    assertThat(sent).allSatisfy(r -> assertThat(r.code()).isZero());
    for (int i = 0; i < 4; i++) {
      int node = i;
      eventually(Duration.ofSeconds(20), "REJECTED on node " + i, () -> status(node, bad).equals("REJECTED"));
    }
    JsonObject d = await(clients.get(2).queryJson("/delta/" + hex(bad)));
    assertThat(d.getLong("approve_power")).isEqualTo(1);
    assertThat(d.getLong("reject_power")).isGreaterThanOrEqualTo(2);
    assertThat(await(clients.get(2).queryJson("/node/" + TRAINER.addressHex())).getLong("rejected_deltas")).isEqualTo(1);
  }

  @Test
  @Order(3)
  @DisplayName("non-validator verdict, forged signature, replayed nonce, wrong chain id, oversized tx and random bytes are refused at CheckTx; nothing crashes")
  void checkTxRefusals() {
    ChainClient c = clients.get(1);
    byte[] pendingDelta = commit(1, trainer.submitDelta(ChainFixture.delta("r1", "pending", headCheckpoint))).txData();
    TxSigner stranger = new TxSigner(ChainFixture.key(66), CHAIN, 0);

    assertThat(await(c.broadcastTxSync(stranger.verdicts(List.of(TxSigner.verdict(pendingDelta, true, 1))))).code())
        .as("verdict by a non-validator").isEqualTo(TxCode.NOT_VALIDATOR.code());

    byte[] honest = new TxSigner(validators.get(3).key(), CHAIN, 1_000).verdicts(List.of(TxSigner.verdict(pendingDelta, true, 1)));
    TxEnvelope env = parse(honest);
    byte[] sig = env.getSignature().toByteArray();
    sig[0] ^= 0x40;
    byte[] forged = env.toBuilder().setSignature(ByteString.copyFrom(sig)).build().toByteArray();
    assertThat(await(c.broadcastTxSync(forged)).code()).as("forged signature").isEqualTo(TxCode.BAD_SIGNATURE.code());
    byte[] stolenKey = parse(stranger.verdicts(List.of(TxSigner.verdict(pendingDelta, true, 1)))).toBuilder()
        .setSignerPubKey(ByteString.copyFrom(validators.get(3).key().publicKey())).build().toByteArray();
    assertThat(await(c.broadcastTxSync(stolenKey)).code()).as("validator key with an outsider's signature")
        .isEqualTo(TxCode.BAD_SIGNATURE.code());

    byte[] replay = trainer.signWithNonce(1, BodyType.SUBMIT_DELTA, ChainFixture.delta("r1", "again", headCheckpoint));
    ChainClient.BroadcastResult replayed = await(c.broadcastTxSync(replay));
    assertThat(replayed.code()).as("replayed nonce").isEqualTo(TxCode.NONCE_REPLAYED.code());
    assertThat(replayed.log()).contains("not above the last nonce");

    assertThat(await(c.broadcastTxSync(new TxSigner(TRAINER, "another-chain", 5_000)
        .submitDelta(ChainFixture.delta("r1", "x", headCheckpoint)))).code()).as("wrong chain id")
        .isEqualTo(TxCode.WRONG_CHAIN_ID.code());

    byte[] big = new byte[740_000];
    byte[] oversized = new TxSigner(TRAINER, CHAIN, 5_000).submitDelta(SubmitDelta.newBuilder(
        ChainFixture.delta("r1", "big", headCheckpoint)).setCid("").setInlineDelta(ByteString.copyFrom(big))
        .setContentHash(ByteString.copyFrom(io.deltachain.core.content.ContentHash.sha256(big).bytes()))
        .setSizeBytes(big.length).build());
    ChainClient.BroadcastResult tooBig = await(c.broadcastTxSync(oversized));
    assertThat(tooBig.code()).as("oversized").isEqualTo(TxCode.TOO_LARGE.code());
    assertThat(tooBig.log()).contains("the limit is");

    byte[] random = new byte[512];
    new Random(3).nextBytes(random);
    assertThat(await(c.broadcastTxSync(random)).code()).as("random bytes").isEqualTo(TxCode.MALFORMED.code());

    // Nothing crashed: every app process is alive and every node keeps finalizing.
    long h = ChainFixture.height(clients.get(0));
    for (int i = 0; i < 4; i++) {
      assertThat(net.node(i).appProcessAlive()).as("app %d alive", i).isTrue();
      ChainFixture.awaitHeight(clients.get(i), h + 2, Duration.ofSeconds(30));
    }
  }

  @Test
  @Order(4)
  @DisplayName("with one validator stopped the chain keeps finalizing; restarted, it catches up to the same app hash")
  void stopAndRestartOneValidator() throws Exception {
    LocalNet.Node down = net.node(3);
    down.stop();
    long h0 = ChainFixture.height(clients.get(0));
    ChainFixture.awaitHeight(clients.get(0), h0 + 3, Duration.ofSeconds(30));
    // Transactions still commit with 3 of 4 validators.
    byte[] whileDown = commit(1, trainer.submitDelta(ChainFixture.delta("r1", "while-down", headCheckpoint))).txData();
    long target = ChainFixture.height(clients.get(0));

    down.start();
    ChainFixture.awaitHeight(clients.get(3), target + 1, Duration.ofSeconds(90));
    assertThat(status(3, whileDown)).isEqualTo("PENDING");
    // Every app's committed state matches the app hash the chain recorded in the following header.
    for (int i = 0; i < 4; i++) {
      ChainClient.AbciInfo info = await(clients.get(i).abciInfo());
      ChainFixture.awaitHeight(clients.get(0), info.lastBlockHeight() + 1, Duration.ofSeconds(30));
      String header = await(clients.get(0).headerAppHash(info.lastBlockHeight() + 1));
      assertThat(HexFormat.of().formatHex(info.lastBlockAppHash())).as("node %d app hash at %d", i, info.lastBlockHeight())
          .isEqualToIgnoringCase(header);
    }
    // The restarted validator takes part again: its verdict counts.
    commit(3, validators.get(3).verdicts(List.of(TxSigner.verdict(whileDown, false, 0))));
    assertThat(await(clients.get(0).queryJson("/delta/" + hex(whileDown))).getLong("reject_power")).isEqualTo(1);
  }

  private static TxEnvelope parse(byte[] tx) {
    try {
      return TxEnvelope.parseFrom(tx);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
