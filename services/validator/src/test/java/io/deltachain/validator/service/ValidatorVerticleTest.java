package io.deltachain.validator.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.Dispute;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.Verdict;
import io.deltachain.core.tx.proto.VerdictBatch;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.replay.ReplayFailure;
import io.deltachain.validator.replay.ReplayOutcome;
import io.deltachain.validator.replay.ReplayVerifier;
import io.deltachain.validator.testmodel.TinyMlp;
import io.deltachain.validator.testmodel.TinyRound;
import io.deltachain.validator.verdict.DeltaUnderReview;
import io.deltachain.validator.verdict.ReasonCode;
import io.deltachain.validator.verdict.VerdictEngine;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ValidatorVerticleTest {
  @TempDir Path dir;

  /** An in-memory chain feed the test drives. */
  static final class FakeFeed implements ChainFeed {
    Handler<CommittedDelta> deltas;
    Handler<Long> blocks;

    @Override
    public void onCommittedDelta(Handler<CommittedDelta> handler) {
      deltas = handler;
    }

    @Override
    public void onBlockCommitted(Handler<Long> handler) {
      blocks = handler;
    }
  }

  @Test
  @DisplayName("committed deltas are fetched, judged in chain order, and submitted as one VerdictBatch per block")
  void judgesAndBatchesPerBlock(Vertx vertx, VertxTestContext test) throws Exception {
    TinyRound round = new TinyRound(dir).assignFull("a", 0).assignFull("b", 1).assignFull("c", 2);
    DeltaUnderReview honest = round.submitDense("a", 0, round.trainHonest(0, 1), round.baseHashes.get(TinyMlp.LAYER1));
    LayerDelta nan = round.trainHonest(1, 2);
    nan.tensor(TinyMlp.W1).values()[3] = Float.NaN;
    DeltaUnderReview poisoned = round.submitDense("b", 1, nan, round.baseHashes.get(TinyMlp.LAYER1));
    // the files TinyRound wrote, in submission order
    Path honestFile = dir.resolve("delta-1.safetensors");
    Path nanFile = dir.resolve("delta-2.safetensors");
    Path garbage = Files.write(dir.resolve("garbage.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});

    Map<ByteString, Path> files = new HashMap<>();
    CommittedDelta c1 = committed(honest, honestFile, "a", 10);
    CommittedDelta c2 = committed(poisoned, nanFile, "b", 10);
    CommittedDelta c3 = new CommittedDelta(11, ContentHash.sha256(new byte[] {3}).bytes(), TinyRound.address("c"),
        SubmitDelta.newBuilder().setRoundId("round-1").setLayer(TinyMlp.LAYER1)
            .setContentHash(ByteString.copyFrom(ContentHash.sha256(garbage).bytes())).setCid("garbage").build(), new byte[] {11});
    files.put(c1.tx().getContentHash(), honestFile);
    files.put(c2.tx().getContentHash(), nanFile);
    files.put(c3.tx().getContentHash(), garbage);

    FakeFeed feed = new FakeFeed();
    List<VerdictBatch> submitted = new CopyOnWriteArrayList<>();
    List<io.vertx.core.json.JsonObject> evidence = new CopyOnWriteArrayList<>();
    vertx.eventBus().<io.vertx.core.json.JsonObject>consumer(ValidatorVerticle.VERDICT_EVIDENCE, m -> evidence.add(m.body()));
    ValidatorVerticle verticle = new ValidatorVerticle(feed,
        tx -> Future.succeededFuture(files.get(tx.getContentHash())),
        (d, seed) -> round.context(d.tx().getLayer(), seed),
        batch -> {
          submitted.add(batch);
          if (submitted.size() == 2) {
            test.verify(() -> {
              List<Verdict> first = submitted.get(0).getVerdictsList();
              assertThat(first).hasSize(2);
              assertThat(first.get(0).getDeltaId().toByteArray()).isEqualTo(c1.deltaId());
              assertThat(first.get(0).getApprove()).isTrue();
              assertThat(first.get(0).getScoreMicro()).isPositive();
              assertThat(first.get(1).getApprove()).isFalse();
              assertThat(first.get(1).getReasonCodesList()).containsExactly(ReasonCode.NON_FINITE.name());
              List<Verdict> second = submitted.get(1).getVerdictsList();
              assertThat(second).hasSize(1);
              assertThat(second.get(0).getReasonCodesList()).containsExactly(ReasonCode.MALFORMED_FILE.name());
              // the dashboard's evidence: published when judged, long before the second block
              assertThat(evidence).extracting(e -> e.getString("reason")).startsWith(null, ReasonCode.NON_FINITE.name());
              assertThat(evidence.get(0).getString("deltaId")).isEqualTo(ContentHash.of(c1.deltaId()).hex());
              assertThat(io.deltachain.core.metrics.ServiceMetrics.scrape())
                  .contains("deltachain_validator_verdicts_total{approve=\"false\",reason=\"NON_FINITE\"}");
            });
            test.completeNow();
          }
          return Future.succeededFuture();
        },
        new VerdictEngine());
    vertx.deployVerticle(verticle).onComplete(test.succeeding(id -> vertx.runOnContext(v -> {
      feed.deltas.handle(c1);
      feed.deltas.handle(c2);
      feed.blocks.handle(10L);
      feed.blocks.handle(10L); // nothing pending: no empty batch
      feed.deltas.handle(c3);
      feed.blocks.handle(11L);
    })));
  }

  @Test
  @DisplayName("every judged delta is spot-checked after its verdict; a failed check's Dispute goes out after the verdicts, a matched one raises none")
  void spotChecksAfterVerdicts(Vertx vertx, VertxTestContext test) throws Exception {
    TinyRound round = new TinyRound(dir).assignFull("a", 0).assignFull("b", 1);
    DeltaUnderReview one = round.submitDense("a", 0, round.trainHonest(0, 1), round.baseHashes.get(TinyMlp.LAYER1));
    DeltaUnderReview two = round.submitDense("b", 1, round.trainHonest(1, 2), round.baseHashes.get(TinyMlp.LAYER1));
    Path oneFile = dir.resolve("delta-1.safetensors");
    Path twoFile = dir.resolve("delta-2.safetensors");
    CommittedDelta c1 = committed(one, oneFile, "a", 10);
    CommittedDelta c2 = committed(two, twoFile, "b", 10);
    Map<ByteString, Path> files = Map.of(c1.tx().getContentHash(), oneFile, c2.tx().getContentHash(), twoFile);

    FakeFeed feed = new FakeFeed();
    List<String> events = new CopyOnWriteArrayList<>();
    // the checker sees the judged file and the delta's context; b's trace "fails"
    SpotChecker checker = (d, file, context) -> {
      assertThat(file.metadata().layer()).isEqualTo(TinyMlp.LAYER1);
      assertThat(context.baseWeights()).isNotEmpty();
      if (d == c2) {
        return ReplayVerifier.withoutSegment(d.deltaId(), d.tx().getLayer(), ReplayFailure.NO_TRACE, "no trace");
      }
      return new ReplayOutcome(null, 0, null, "segment 0 matched", null);
    };
    DisputeSink disputes = new DisputeSink() {
      @Override
      public Future<Void> submit(Dispute dispute) {
        events.add("dispute " + HexFormat.of().formatHex(dispute.getDeltaId().toByteArray()) + " " + dispute.getReason());
        test.verify(() -> {
          // the replays run beside the verdict submission, so an outcome may come before or after the
          // block's verdicts; the dispute always comes after both the verdicts and b's outcome
          String disputed = "dispute " + HexFormat.of().formatHex(c2.deltaId()) + " NO_TRACE: no trace";
          assertThat(events).containsExactlyInAnyOrder("verdicts 2", "outcome a true", "outcome b false", disputed);
          assertThat(events).containsSubsequence("verdicts 2", disputed);
          assertThat(events).containsSubsequence("outcome b false", disputed);
          assertThat(dispute.getLayer()).isEqualTo(TinyMlp.LAYER1);
        });
        test.completeNow();
        return Future.succeededFuture();
      }

      @Override
      public void outcome(CommittedDelta delta, ReplayOutcome outcome) {
        events.add("outcome " + (delta == c1 ? "a" : "b") + " " + outcome.matched());
        if (delta == c2) {
          feed.blocks.handle(11L); // the next block: its flush carries the dispute
        }
      }
    };
    ValidatorVerticle verticle = new ValidatorVerticle(feed,
        tx -> Future.succeededFuture(files.get(tx.getContentHash())),
        (d, seed) -> round.context(d.tx().getLayer(), seed),
        batch -> {
          events.add("verdicts " + batch.getVerdictsCount());
          return Future.succeededFuture();
        },
        new VerdictEngine(), checker, disputes);
    vertx.deployVerticle(verticle).onComplete(test.succeeding(id -> vertx.runOnContext(v -> {
      feed.deltas.handle(c1);
      feed.deltas.handle(c2);
      feed.blocks.handle(10L);
    })));
  }

  private static CommittedDelta committed(DeltaUnderReview d, Path file, String trainer, long height) throws Exception {
    SubmitDelta tx = SubmitDelta.newBuilder().setRoundId(d.roundId()).setLayer(d.layer())
        .setBaseHash(ByteString.copyFrom(HexFormat.of().parseHex(d.baseHash())))
        .setContentHash(ByteString.copyFrom(ContentHash.sha256(file).bytes())).setSizeBytes(Files.size(file))
        .setMode(d.mode()).setShardIndex(d.shardIndex()).setTokens(d.tokens()).build();
    return new CommittedDelta(height, HexFormat.of().parseHex(d.deltaId()), TinyRound.address(trainer), tx, new byte[] {(byte) height});
  }
}
