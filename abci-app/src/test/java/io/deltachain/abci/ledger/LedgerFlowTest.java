package io.deltachain.abci.ledger;

import static io.deltachain.abci.ledger.LedgerHarness.LAYER;
import static io.deltachain.abci.ledger.LedgerHarness.checkpoint;
import static io.deltachain.abci.ledger.LedgerHarness.delta;
import static io.deltachain.abci.ledger.LedgerHarness.hex;
import static io.deltachain.abci.ledger.LedgerHarness.round;
import static io.deltachain.abci.ledger.LedgerHarness.sha;
import static io.deltachain.abci.ledger.LedgerHarness.txHash;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.proto.Event;
import io.deltachain.abci.proto.ResponseFinalizeBlock;
import io.deltachain.abci.proto.ResponseQuery;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LedgerFlowTest {

  private static Map<String, String> attrs(Event e) {
    return e.getAttributesList().stream().collect(Collectors.toMap(a -> a.getKey(), a -> a.getValue(), (a, b) -> b, TreeMap::new));
  }

  private static List<Map<String, String>> events(ResponseFinalizeBlock r, String type) {
    List<Map<String, String>> out = new ArrayList<>();
    r.getEventsList().stream().filter(e -> e.getType().equals(type)).forEach(e -> out.add(attrs(e)));
    r.getTxResultsList().forEach(t -> t.getEventsList().stream().filter(e -> e.getType().equals(type)).forEach(e -> out.add(attrs(e))));
    return out;
  }

  @Test
  @DisplayName("a round runs end to end with four validators: delta accepted by 3 of 4, checkpoint accepted, lineage queryable")
  void fullRound() {
    LedgerHarness h = new LedgerHarness(4);
    h.init();
    h.registerParticipants();
    h.okBlock(h.coordinator.startRound(round("r1", 100, 50)));
    byte[] submit = h.trainer.submitDelta(delta("r1", "delta-a"));
    ResponseFinalizeBlock b = h.okBlock(submit);
    byte[] deltaId = txHash(submit);
    assertThat(b.getTxResults(0).getData().toByteArray()).isEqualTo(deltaId);
    assertThat(events(b, "delta")).singleElement().satisfies(e -> {
      assertThat(e).containsEntry("id", hex(deltaId)).containsEntry("round", "r1").containsEntry("status", "PENDING");
    });

    // Two approvals of four (20 of 40 power) decide nothing; the third crosses 2/3.
    h.okBlock(h.validators.get(0).verdicts(List.of(TxSigner.verdict(deltaId, true, 900_000))),
        h.validators.get(1).verdicts(List.of(TxSigner.verdict(deltaId, true, 800_000))));
    assertThat(h.query("/delta/" + hex(deltaId)).getString("status")).isEqualTo("PENDING");
    ResponseFinalizeBlock accepted = h.okBlock(h.validators.get(2).verdicts(List.of(TxSigner.verdict(deltaId, true, 850_000))));
    assertThat(events(accepted, "delta")).anySatisfy(e -> assertThat(e).containsEntry("status", "ACCEPTED"));
    JsonObject d = h.query("/delta/" + hex(deltaId));
    assertThat(d.getString("status")).isEqualTo("ACCEPTED");
    assertThat(d.getLong("approve_power")).isEqualTo(30);
    assertThat(d.getJsonArray("verdicts")).hasSize(3);

    // The late fourth verdict is refused: nothing in it can apply any more.
    assertThat(h.checkTx(h.validators.get(3).verdicts(List.of(TxSigner.verdict(deltaId, true, 1)))).getCode())
        .isEqualTo(TxCode.ALREADY_DECIDED.code());

    // Checkpoint: proposal by validator 0 counts 10, votes of 1 and 2 bring 30 of 40.
    byte[] ckpt = sha("checkpoint-1");
    h.okBlock(h.validators.get(0).proposeCheckpoint(checkpoint("r1", new byte[0], ckpt, deltaId)));
    h.okBlock(h.validators.get(1).checkpointVote("r1", LAYER, ckpt));
    assertThat(h.rawQuery("/layer/" + LAYER + "/head").getCode()).isEqualTo(LedgerQueries.QueryCode.NOT_FOUND.code);
    ResponseFinalizeBlock ck = h.okBlock(h.validators.get(2).checkpointVote("r1", LAYER, ckpt));
    assertThat(events(ck, "checkpoint")).anySatisfy(e -> assertThat(e).containsEntry("status", "ACCEPTED").containsEntry("layer", LAYER));
    assertThat(h.query("/layer/" + LAYER + "/head").getString("head")).isEqualTo(hex(ckpt));

    // Second round builds on the head; its checkpoint extends the lineage.
    h.okBlock(h.coordinator.startRound(round("r2", 100, 50)));
    byte[] submit2 = h.trainer.submitDelta(delta("r2", LAYER, "delta-b", ckpt));
    h.okBlock(submit2);
    byte[] delta2 = txHash(submit2);
    h.okBlock(h.validators.get(0).verdicts(List.of(TxSigner.verdict(delta2, true, 1))),
        h.validators.get(1).verdicts(List.of(TxSigner.verdict(delta2, true, 1))),
        h.validators.get(2).verdicts(List.of(TxSigner.verdict(delta2, true, 1))));
    byte[] ckpt2 = sha("checkpoint-2");
    h.okBlock(h.validators.get(3).proposeCheckpoint(checkpoint("r2", ckpt, ckpt2, delta2)),
        h.validators.get(0).checkpointVote("r2", LAYER, ckpt2),
        h.validators.get(1).checkpointVote("r2", LAYER, ckpt2));
    JsonObject lineage = h.query("/layer/" + LAYER + "/lineage");
    JsonArray chain = lineage.getJsonArray("lineage");
    assertThat(chain).hasSize(2);
    assertThat(chain.getJsonObject(0).getString("hash")).isEqualTo(hex(ckpt2));
    assertThat(chain.getJsonObject(0).getString("parent")).isEqualTo(hex(ckpt));
    assertThat(chain.getJsonObject(0).getJsonArray("contributing_deltas").getString(0)).isEqualTo(hex(delta2));
    assertThat(chain.getJsonObject(0).getString("method")).isEqualTo("TRIMMED_MEAN");
    assertThat(chain.getJsonObject(1).getString("hash")).isEqualTo(hex(ckpt));
    assertThat(lineage.getValue("base")).isNull();

    // Reputation: the trainer gained twice; the fourth validator never judged and is unregistered anyway.
    JsonObject trainer = h.query("/node/" + h.trainer.key().addressHex());
    assertThat(trainer.getLong("reputation")).isEqualTo(1_000 + 2 * 10);
    assertThat(trainer.getLong("accepted_deltas")).isEqualTo(2);

    // Rollback to ckpt needs > 2/3: two votes move nothing, the third moves the head back.
    h.okBlock(h.validators.get(0).rollback(LAYER, ckpt, "bad eval"), h.validators.get(1).rollback(LAYER, ckpt, "bad eval"));
    assertThat(h.query("/layer/" + LAYER + "/head").getString("head")).isEqualTo(hex(ckpt2));
    ResponseFinalizeBlock rb = h.okBlock(h.validators.get(2).rollback(LAYER, ckpt, "bad eval"));
    assertThat(events(rb, "rollback")).anySatisfy(e -> assertThat(e).containsEntry("status", "APPLIED"));
    assertThat(h.query("/layer/" + LAYER + "/head").getString("head")).isEqualTo(hex(ckpt));
  }

  @Test
  @DisplayName("one validator approving a bad delta while three reject leaves it REJECTED, and reputations follow")
  void byzantineApproverIsOutvoted() {
    LedgerHarness h = new LedgerHarness(4);
    h.init();
    // Register validator 0 as a node so its reputation is tracked.
    h.okBlock(h.validators.get(0).registerNode(NodeRole.VALIDATOR, "byzantine", Capabilities.getDefaultInstance(), 0),
        h.validators.get(1).registerNode(NodeRole.VALIDATOR, "honest", Capabilities.getDefaultInstance(), 0));
    h.registerParticipants();
    h.okBlock(h.coordinator.startRound(round("r1", 100, 50)));
    byte[] submit = h.trainer.submitDelta(delta("r1", "poisoned"));
    h.okBlock(submit);
    byte[] id = txHash(submit);
    h.okBlock(h.validators.get(0).verdicts(List.of(TxSigner.verdict(id, true, 999_000))),
        h.validators.get(1).verdicts(List.of(TxSigner.verdict(id, false, 0, "LOSS_NOT_IMPROVED"))),
        h.validators.get(2).verdicts(List.of(TxSigner.verdict(id, false, 0, "NORM_BOUND"))));
    JsonObject d = h.query("/delta/" + hex(id));
    // 20 of 40 rejecting is already >= 1/3: rejected before the fourth verdict.
    assertThat(d.getString("status")).isEqualTo("REJECTED");
    assertThat(d.getLong("reject_power")).isEqualTo(20);
    assertThat(h.checkTx(h.validators.get(3).verdicts(List.of(TxSigner.verdict(id, false, 0)))).getCode())
        .isEqualTo(TxCode.ALREADY_DECIDED.code());
    assertThat(h.query("/node/" + h.trainer.key().addressHex()).getLong("reputation")).isEqualTo(1_000 - 50);
    assertThat(h.query("/node/" + h.validators.get(0).key().addressHex()).getLong("reputation")).isEqualTo(1_000 - 2);
    assertThat(h.query("/node/" + h.validators.get(1).key().addressHex()).getLong("reputation")).isEqualTo(1_000 + 1);
  }

  @Test
  @DisplayName("a delta without enough verdicts expires after its deadline height")
  void deadlineExpires() {
    LedgerHarness h = new LedgerHarness(4);
    h.init();
    h.registerParticipants();
    h.okBlock(h.coordinator.startRound(round("r1", 100, 3)));
    byte[] submit = h.trainer.submitDelta(delta("r1", "slow"));
    h.okBlock(submit);
    byte[] id = txHash(submit);
    long deadline = h.query("/delta/" + hex(id)).getLong("deadline_height");
    assertThat(deadline).isEqualTo(h.height + 3);
    h.okBlock(h.validators.get(0).verdicts(List.of(TxSigner.verdict(id, true, 1))));
    while (h.height < deadline) {
      h.okBlock();
      assertThat(h.query("/delta/" + hex(id)).getString("status")).isEqualTo("PENDING");
    }
    ResponseFinalizeBlock expired = h.okBlock();
    assertThat(events(expired, "delta")).singleElement().satisfies(e -> assertThat(e).containsEntry("status", "EXPIRED"));
    assertThat(h.query("/delta/" + hex(id)).getString("status")).isEqualTo("EXPIRED");
    assertThat(h.query("/node/" + h.trainer.key().addressHex()).getLong("reputation")).isEqualTo(1_000 - 5);
  }

  @Test
  @DisplayName("an allowlisted key registering as VALIDATOR with power yields a ValidatorUpdate and joins the tally")
  void validatorRegistration() {
    LedgerHarness h = new LedgerHarness(1);
    h.init();
    TxSigner candidate = new TxSigner(LedgerHarness.key(50), LedgerHarness.CHAIN, 0);
    assertThat(h.checkTx(candidate.registerNode(NodeRole.VALIDATOR, "v2", Capabilities.getDefaultInstance(), 6)).getCode())
        .isEqualTo(TxCode.NOT_PERMITTED.code());
    ResponseFinalizeBlock b = h.okBlock(candidate.registerNode(NodeRole.VALIDATOR, "v2", Capabilities.getDefaultInstance(), 5));
    assertThat(b.getValidatorUpdatesList()).singleElement().satisfies(u -> {
      assertThat(u.getPower()).isEqualTo(5);
      assertThat(u.getPubKey().getEd25519().toByteArray()).isEqualTo(candidate.key().publicKey());
    });
    JsonObject vs = h.query("/validators");
    assertThat(vs.getLong("total_power")).isEqualTo(15);
    assertThat(vs.getJsonArray("validators")).hasSize(2);
    // A key that is neither validator nor allowlisted cannot become one.
    assertThat(h.checkTx(h.outsider.registerNode(NodeRole.VALIDATOR, "x", Capabilities.getDefaultInstance(), 1)).getCode())
        .isEqualTo(TxCode.NOT_PERMITTED.code());
  }

  @Test
  @DisplayName("two ledgers fed the same blocks agree on every app hash; a proof of a key verifies against it")
  void determinismAndProofs() {
    LedgerHarness a = new LedgerHarness(4);
    LedgerHarness b = new LedgerHarness(4);
    List<byte[][]> blocks = new ArrayList<>();
    a.init();
    b.init();
    assertThat(a.app.appHash()).isEqualTo(b.app.appHash());
    blocks.add(new byte[][] {a.coordinator.registerNode(NodeRole.COORDINATOR, "c", Capabilities.getDefaultInstance(), 0),
        a.trainer.registerNode(NodeRole.TRAINER, "t", Capabilities.getDefaultInstance(), 0)});
    blocks.add(new byte[][] {a.coordinator.startRound(round("r1", 100, 50))});
    byte[] s1 = a.trainer.submitDelta(delta("r1", "x"));
    byte[] s2 = a.trainer.submitDelta(delta("r1", "y"));
    blocks.add(new byte[][] {s1, s2});
    blocks.add(new byte[][] {a.validators.get(0).verdicts(List.of(TxSigner.verdict(txHash(s1), true, 5), TxSigner.verdict(txHash(s2), false, 0))),
        a.validators.get(1).verdicts(List.of(TxSigner.verdict(txHash(s1), true, 5), TxSigner.verdict(txHash(s2), false, 0)))});
    for (byte[][] txs : blocks) {
      a.okBlock(txs);
      b.okBlock(txs);
      assertThat(hex(a.app.appHash())).isEqualTo(hex(b.app.appHash()));
    }
    assertThat(a.query("/delta/" + hex(txHash(s2))).getString("status")).isEqualTo("REJECTED");

    ResponseQuery proof = a.rawQuery("/proof/delta/" + hex(txHash(s1)));
    assertThat(proof.getCode()).isZero();
    JsonObject p = new JsonObject(proof.getValue().toString(StandardCharsets.UTF_8));
    List<byte[]> aunts = new ArrayList<>();
    p.getJsonArray("aunts").forEach(x -> aunts.add(HexFormat.of().parseHex((String) x)));
    byte[] item = MerkleTree.stateItem(p.getString("key"), HexFormat.of().parseHex(p.getString("value")));
    assertThat(MerkleTree.verify(a.app.appHash(), p.getInteger("index"), p.getInteger("total"), item, aunts)).isTrue();
    byte[] forged = MerkleTree.stateItem(p.getString("key"), "forged".getBytes(StandardCharsets.UTF_8));
    assertThat(MerkleTree.verify(a.app.appHash(), p.getInteger("index"), p.getInteger("total"), forged, aunts)).isFalse();
    assertThat(proof.getProofOps().getOps(0).getType()).isEqualTo(LedgerQueries.PROOF_OP_TYPE);
  }

  @Test
  @DisplayName("a transaction that fails its rules in a block spends its nonce and changes nothing else")
  void failedTxSpendsNonce() {
    LedgerHarness h = new LedgerHarness(1);
    h.init();
    h.registerParticipants();
    byte[] before = h.app.appHash();
    // Unknown round: fails in the block (it would also fail CheckTx; a byzantine proposer may include it anyway).
    ResponseFinalizeBlock b = h.block(h.trainer.submitDelta(delta("nope", "z")));
    assertThat(b.getTxResultsCount()).isEqualTo(1);
    assertThat(b.getTxResults(0).getCode()).isEqualTo(TxCode.UNKNOWN_ROUND.code());
    assertThat(b.getTxResults(0).getLog()).contains("no round 'nope'");
    assertThat(h.app.appHash()).isNotEqualTo(before);
    assertThat(h.query("/nonce/" + h.trainer.key().addressHex()).getString("last_nonce")).isEqualTo("2");
  }
}
