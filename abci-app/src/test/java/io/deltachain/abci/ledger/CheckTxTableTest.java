package io.deltachain.abci.ledger;

import static io.deltachain.abci.ledger.LedgerHarness.CHAIN;
import static io.deltachain.abci.ledger.LedgerHarness.LAYER;
import static io.deltachain.abci.ledger.LedgerHarness.checkpoint;
import static io.deltachain.abci.ledger.LedgerHarness.delta;
import static io.deltachain.abci.ledger.LedgerHarness.round;
import static io.deltachain.abci.ledger.LedgerHarness.sha;
import static io.deltachain.abci.ledger.LedgerHarness.txHash;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.proto.ResponseCheckTx;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.core.tx.proto.TrainingSettings;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.deltachain.core.tx.proto.VerdictBatch;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CheckTx as a table: each row builds one transaction against a fixed committed ledger and
 * names the code CheckTx must answer. The ledger holds four validators, a coordinator, a
 * trainer, an open round r1 with a pending delta (already judged by validator 0) and an
 * accepted delta whose checkpoint is the layer's head, and a finalized round r-closed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckTxTableTest {
  private LedgerHarness h;
  private byte[] pendingDelta;
  private byte[] acceptedDelta;
  private byte[] head;
  private int trainingNonce;

  @BeforeAll
  void ledger() {
    h = new LedgerHarness(4);
    h.init();
    h.registerParticipants();
    h.okBlock(h.coordinator.startRound(round("r1", 1_000, 1_000)), h.coordinator.startRound(round("r-closed", 1_000, 1_000)));
    byte[] s1 = h.trainer.submitDelta(delta("r1", "pending"));
    byte[] s2 = h.trainer.submitDelta(delta("r1", "accepted"));
    h.okBlock(s1, s2, h.coordinator.finalizeRound("r-closed", "done"));
    pendingDelta = txHash(s1);
    acceptedDelta = txHash(s2);
    h.okBlock(h.validators.get(0).verdicts(List.of(TxSigner.verdict(pendingDelta, true, 1), TxSigner.verdict(acceptedDelta, true, 1))),
        h.validators.get(1).verdicts(List.of(TxSigner.verdict(acceptedDelta, true, 1))),
        h.validators.get(2).verdicts(List.of(TxSigner.verdict(acceptedDelta, true, 1))));
    head = sha("head");
    h.okBlock(h.validators.get(0).proposeCheckpoint(checkpoint("r1", new byte[0], head, acceptedDelta)),
        h.validators.get(1).checkpointVote("r1", LAYER, head), h.validators.get(2).checkpointVote("r1", LAYER, head));
  }

  /** A fresh signer for a key with no history, so rows do not interfere through nonces. */
  private static TxSigner fresh(int seed) {
    return new TxSigner(LedgerHarness.key(200 + seed), CHAIN, 0);
  }

  /** Re-signs with the validator's key but reuses a spent nonce. */
  private TxSigner validator(int i) {
    TxSigner v = h.validators.get(i);
    return new TxSigner(v.key(), CHAIN, h.app.height() + 1_000 + i); // far above anything spent
  }

  private TxSigner trainerAhead() {
    return new TxSigner(h.trainer.key(), CHAIN, 1_000);
  }

  private TxSigner coordinatorAhead() {
    return new TxSigner(h.coordinator.key(), CHAIN, 1_000);
  }

  private static byte[] withEnvelope(byte[] tx, Function<TxEnvelope.Builder, TxEnvelope.Builder> edit) {
    try {
      return edit.apply(TxEnvelope.parseFrom(tx).toBuilder()).build().toByteArray();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  Stream<Arguments> rows() {
    return Stream.of(
        row("random bytes", t -> {
          byte[] junk = new byte[200];
          new Random(7).nextBytes(junk);
          return junk;
        }, TxCode.MALFORMED),
        row("empty transaction", t -> new byte[0], TxCode.MALFORMED),
        row("nonce 0", t -> fresh(1).signWithNonce(0, BodyType.REGISTER_NODE,
            io.deltachain.core.tx.proto.RegisterNode.newBuilder().setRole(NodeRole.TRAINER).build()), TxCode.MALFORMED),
        row("unspecified body type", t -> withEnvelope(fresh(2).registerNode(NodeRole.TRAINER, "x", Capabilities.getDefaultInstance(), 0),
            e -> e.setBodyType(BodyType.BODY_TYPE_UNSPECIFIED)), TxCode.MALFORMED),
        row("oversized transaction (740,000 bytes, under CometBFT's 1 MiB)", t -> {
          byte[] big = new byte[740_000];
          return trainerAhead().submitDelta(SubmitDelta.newBuilder(delta("r1", "big")).setCid("")
              .setInlineDelta(ByteString.copyFrom(big)).setContentHash(ByteString.copyFrom(
                  io.deltachain.core.content.ContentHash.sha256(big).bytes())).setSizeBytes(big.length).build());
        }, TxCode.TOO_LARGE),
        row("wrong chain id", t -> new TxSigner(h.trainer.key(), "other-chain", 1_000).submitDelta(delta("r1", "w")),
            TxCode.WRONG_CHAIN_ID),
        row("forged signature (one bit flipped)", t -> withEnvelope(trainerAhead().submitDelta(delta("r1", "f")), e -> {
          byte[] sig = e.getSignature().toByteArray();
          sig[10] ^= 1;
          return e.setSignature(ByteString.copyFrom(sig));
        }), TxCode.BAD_SIGNATURE),
        row("validator's key claimed on a verdict signed by an outsider", t -> withEnvelope(
            new TxSigner(h.outsider.key(), CHAIN, 5).verdicts(List.of(TxSigner.verdict(pendingDelta, true, 1))),
            e -> e.setSignerPubKey(ByteString.copyFrom(h.validators.get(3).key().publicKey()))), TxCode.BAD_SIGNATURE),
        row("body that is not its declared type", t -> new TxSigner(h.validators.get(3).key(), CHAIN, 1_000)
            .sign(BodyType.VERDICT_BATCH, io.deltachain.core.tx.proto.StartRound.newBuilder().setRoundId("xx").setModelId("m").build()),
            TxCode.INVALID_BODY),
        row("empty verdict batch", t -> validator(3).sign(BodyType.VERDICT_BATCH, VerdictBatch.getDefaultInstance()),
            TxCode.INVALID_BODY),
        row("inline delta whose hash differs from content_hash", t -> trainerAhead().submitDelta(
            SubmitDelta.newBuilder(delta("r1", "i")).setCid("").setInlineDelta(ByteString.copyFromUtf8("abc")).setSizeBytes(3).build()),
            TxCode.INVALID_BODY),
        row("layer name with a slash", t -> trainerAhead().submitDelta(delta("r1", "bad/layer", "c", new byte[0])),
            TxCode.INVALID_BODY),
        row("verdict signed by a non-validator", t -> new TxSigner(h.outsider.key(), CHAIN, 0)
            .verdicts(List.of(TxSigner.verdict(pendingDelta, true, 1))), TxCode.NOT_VALIDATOR),
        row("replayed nonce", t -> h.trainer.signWithNonce(1, BodyType.SUBMIT_DELTA, delta("r1", "replay")),
            TxCode.NONCE_REPLAYED),
        row("round started by an unregistered key", t -> fresh(3).startRound(round("r9", 10, 10)), TxCode.NOT_REGISTERED),
        row("round started by a trainer", t -> trainerAhead().startRound(round("r9", 10, 10)), TxCode.NOT_PERMITTED),
        row("coordinator registration by a key not in genesis", t -> fresh(4).registerNode(NodeRole.COORDINATOR, "c",
            Capabilities.getDefaultInstance(), 0), TxCode.NOT_PERMITTED),
        row("trainer changing role", t -> trainerAhead().registerNode(NodeRole.COORDINATOR, "c", Capabilities.getDefaultInstance(), 0),
            TxCode.NOT_PERMITTED),
        row("delta for an unknown round", t -> trainerAhead().submitDelta(delta("r404", "u")), TxCode.UNKNOWN_ROUND),
        row("delta for a finalized round", t -> trainerAhead().submitDelta(delta("r-closed", "u")), TxCode.ROUND_CLOSED),
        row("delta not built on the layer head", t -> trainerAhead().submitDelta(delta("r1", LAYER, "s", sha("elsewhere"))),
            TxCode.STALE_PARENT),
        row("duplicate round id", t -> coordinatorAhead().startRound(round("r1", 10, 10)), TxCode.DUPLICATE),
        row("verdict on an unknown delta", t -> validator(3).verdicts(List.of(TxSigner.verdict(sha("nope"), true, 1))),
            TxCode.UNKNOWN_DELTA),
        row("second verdict of the same validator", t -> validator(0).verdicts(List.of(TxSigner.verdict(pendingDelta, false, 1))),
            TxCode.ALREADY_VOTED),
        row("verdict on a decided delta", t -> validator(3).verdicts(List.of(TxSigner.verdict(acceptedDelta, true, 1))),
            TxCode.ALREADY_DECIDED),
        row("vote for an unknown checkpoint", t -> validator(3).checkpointVote("r1", LAYER, sha("nope")), TxCode.UNKNOWN_CHECKPOINT),
        row("checkpoint whose parent is not the head", t -> validator(3).proposeCheckpoint(
            checkpoint("r1", sha("old"), sha("c2"), acceptedDelta)), TxCode.STALE_PARENT),
        row("checkpoint from a pending delta", t -> validator(3).proposeCheckpoint(checkpoint("r1", head, sha("c3"), pendingDelta)),
            TxCode.BAD_CONTRIBUTION),
        row("rollback to a hash outside the lineage", t -> validator(3).rollback(LAYER, sha("stranger"), "x"), TxCode.NOT_ANCESTOR),
        row("rollback of a layer without head", t -> validator(3).rollback("model.layers.9", sha("x"), "x"),
            TxCode.UNKNOWN_CHECKPOINT),
        row("finalize by someone else than the coordinator", t -> validator(3).finalizeRound("r1", "x"), TxCode.NOT_PERMITTED),
        row("valid verdict from the fourth validator", t -> validator(3).verdicts(List.of(TxSigner.verdict(pendingDelta, true, 1))),
            TxCode.OK),
        row("valid delta from the trainer", t -> trainerAhead().submitDelta(delta("r1", LAYER, "ok", head)), TxCode.OK));
  }

  /** StartRound rows: the training settings edited, and the reason CheckTx must give (null: accepted). */
  Stream<Arguments> trainingRows() {
    return Stream.of(
        Arguments.of("no training settings", (Function<StartRound.Builder, StartRound.Builder>) StartRound.Builder::clearTraining,
            "training is missing"),
        Arguments.of("zero steps", edit(t -> t.setSteps(0)), "training.steps 0 is outside"),
        Arguments.of("zero batch size", edit(t -> t.setBatchSize(0)), "training.batch_size 0 is outside"),
        Arguments.of("zero sequence length", edit(t -> t.setSequenceLength(0)), "training.sequence_length 0 is outside"),
        Arguments.of("zero learning rate", edit(t -> t.setLearningRateE9(0)), "training.learning_rate_e9 0 is outside"),
        Arguments.of("learning rate above 10", edit(t -> t.setLearningRateE9(10_000_000_001L)),
            "training.learning_rate_e9 10000000001 is outside"),
        Arguments.of("LoRA round without alpha", (Function<StartRound.Builder, StartRound.Builder>) b -> b
            .setTraining(b.getTraining().toBuilder().setLoraAlphaMilli(0))
            .addAssignments(Assignment.newBuilder().setTrainerAddress(ByteString.copyFrom(new byte[20]))
                .setMode(TrainingMode.LORA).setLoraRank(4)), "training.lora_alpha_milli 0 is outside 1.."),
        Arguments.of("no base model", edit(t -> t.setBaseModel("")), "training.base_model is empty"),
        Arguments.of("no dataset", edit(t -> t.setDataset(" ")), "training.dataset is empty"),
        Arguments.of("dataset name with a newline", edit(t -> t.setDataset("europarl\n")),
            "training.dataset contains control characters"),
        Arguments.of("valid settings", edit(t -> t), null));
  }

  private static Function<StartRound.Builder, StartRound.Builder> edit(
      Function<TrainingSettings.Builder, TrainingSettings.Builder> f) {
    return b -> b.setTraining(f.apply(b.getTraining().toBuilder()));
  }

  @ParameterizedTest(name = "StartRound with {0}")
  @MethodSource("trainingRows")
  void startRoundTraining(String name, Function<StartRound.Builder, StartRound.Builder> edit, String reason) {
    StartRound body = edit.apply(round("r-training", 10, 10).toBuilder()).build();
    // nonces of their own, below the table's coordinator rows (1001), since an accepted StartRound raises the mempool nonce
    ResponseCheckTx r = h.checkTx(new TxSigner(h.coordinator.key(), CHAIN, 500 + trainingNonce++).startRound(body));
    if (reason == null) {
      assertThat(TxCode.of(r.getCode())).as("log: %s", r.getLog()).isEqualTo(TxCode.OK);
    } else {
      assertThat(TxCode.of(r.getCode())).isEqualTo(TxCode.INVALID_BODY);
      assertThat(r.getLog()).contains(reason);
    }
  }

  private static Arguments row(String name, Function<Void, byte[]> tx, TxCode expected) {
    return Arguments.of(name, tx, expected);
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("rows")
  void checkTx(String name, Function<Void, byte[]> tx, TxCode expected) {
    ResponseCheckTx r = h.checkTx(tx.apply(null));
    assertThat(TxCode.of(r.getCode())).as("code for %s (log: %s)", name, r.getLog()).isEqualTo(expected);
    if (expected != TxCode.OK) {
      assertThat(r.getLog()).as("a readable reason").isNotBlank();
      assertThat(r.getCodespace()).isEqualTo(LedgerApp.CODESPACE);
    }
  }

}
