package io.deltachain.round.lifecycle;

import static io.deltachain.round.testing.Txs.address;
import static io.deltachain.round.testing.Txs.assignment;
import static io.deltachain.round.testing.Txs.delta;
import static io.deltachain.round.testing.Txs.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.round.chain.InMemoryRoundChain;
import io.deltachain.round.chain.TxReceipt;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RoundTrackerTest {
  private static final String A = address(0xa);
  private static final String B = address(0xb);

  private InMemoryRoundChain chain;
  private RoundTracker tracker;

  @BeforeEach
  void setUp() {
    chain = new InMemoryRoundChain();
    tracker = new RoundTracker(5);
    chain.replayAndSubscribe(tracker);
  }

  private static String id(Future<TxReceipt> f) {
    assertThat(f.succeeded()).as("chain accepted: %s", f.cause()).isTrue();
    return f.result().txHash();
  }

  private RoundView round(String id) {
    return tracker.round(id).orElseThrow();
  }

  private List<String> submitAll(String roundId) {
    List<String> ids = new ArrayList<>();
    ids.add(id(chain.submitDelta(A, delta(roundId, 0, 0, 0))));
    ids.add(id(chain.submitDelta(A, delta(roundId, 1, 0, 0))));
    ids.add(id(chain.submitDelta(B, delta(roundId, 0, 1, 0))));
    ids.add(id(chain.submitDelta(B, delta(roundId, 1, 1, 0))));
    return ids;
  }

  @Test
  @DisplayName("a round runs TRAINING -> VALIDATING -> AGGREGATING -> FINALIZED on chain events")
  void happyPath() {
    id(chain.submitStartRound(start("r1", 20, 10, assignment(A, 0, 1, 0), assignment(B, 0, 1, 1))));
    RoundView v = round("r1");
    assertThat(v.state()).isEqualTo(RoundState.TRAINING);
    assertThat(v.startHeight()).isEqualTo(1);
    assertThat(v.trainingDeadline()).isEqualTo(21);
    assertThat(v.validationDeadline()).isEqualTo(31);
    assertThat(v.aggregationDeadline()).isEqualTo(36);
    assertThat(v.expectedDeltas()).isEqualTo(4);

    List<String> deltas = submitAll("r1");
    assertThat(round("r1").state()).isEqualTo(RoundState.VALIDATING);
    assertThat(round("r1").reason()).contains("every assigned layer has a delta");

    id(chain.decide(deltas.get(0), DeltaStatus.ACCEPTED, List.of()));
    id(chain.decide(deltas.get(1), DeltaStatus.ACCEPTED, List.of()));
    id(chain.decide(deltas.get(2), DeltaStatus.REJECTED, List.of("LOSS_NOT_IMPROVED")));
    assertThat(round("r1").state()).isEqualTo(RoundState.VALIDATING);
    id(chain.decide(deltas.get(3), DeltaStatus.ACCEPTED, List.of()));
    assertThat(round("r1").state()).isEqualTo(RoundState.AGGREGATING);
    assertThat(round("r1").reason()).isEqualTo("every delta is decided: 3 accepted, 1 rejected, 0 expired");
    assertThat(tracker.delta(deltas.get(2)).orElseThrow().reasons()).containsExactly("LOSS_NOT_IMPROVED");

    id(chain.acceptCheckpoint("r1", "model.layers.0", "aa", "", 10, List.of(deltas.get(0))));
    assertThat(round("r1").state()).isEqualTo(RoundState.AGGREGATING);
    id(chain.acceptCheckpoint("r1", "model.layers.1", "bb", "", 10, List.of(deltas.get(1), deltas.get(3))));
    v = round("r1");
    assertThat(v.state()).isEqualTo(RoundState.FINALIZED);
    assertThat(v.partial()).isFalse();
    assertThat(v.progress()).isEqualTo(1.0);
    assertThat(v.history()).extracting(Transition::state).containsExactly(
        RoundState.TRAINING, RoundState.VALIDATING, RoundState.AGGREGATING, RoundState.FINALIZED);
  }

  @Test
  @DisplayName("a trainer that never delivers: the window closes at its deadline and the round finalizes what was accepted")
  void partialRound() {
    id(chain.submitStartRound(start("r2", 6, 4, assignment(A, 0, 1, 0), assignment(B, 2, 3, 0))));
    String d0 = id(chain.submitDelta(A, delta("r2", 0, 0, 0)));
    String d1 = id(chain.submitDelta(A, delta("r2", 1, 0, 0)));
    assertThat(round("r2").progress()).isBetween(0.1, 0.6);
    chain.advance(3);
    assertThat(round("r2").state()).isEqualTo(RoundState.TRAINING);
    chain.advance(1); // height 7 = start 1 + 6
    assertThat(round("r2").state()).isEqualTo(RoundState.VALIDATING);
    assertThat(round("r2").reason()).isEqualTo("training window closed at height 7 with 2 of 4 deltas");
    assertThat(chain.submitDelta(B, delta("r2", 2, 0, 0)).cause()).hasMessageContaining("training window");
    id(chain.decide(d0, DeltaStatus.ACCEPTED, List.of()));
    id(chain.decide(d1, DeltaStatus.ACCEPTED, List.of()));
    id(chain.acceptCheckpoint("r2", "model.layers.0", "c0", "", 1, List.of(d0)));
    id(chain.acceptCheckpoint("r2", "model.layers.1", "c1", "", 1, List.of(d1)));
    RoundView v = round("r2");
    assertThat(v.state()).isEqualTo(RoundState.FINALIZED);
    assertThat(v.partial()).isTrue();
    assertThat(v.reason()).isEqualTo("partial: checkpoints for 2 layer(s) of 4 assigned");
  }

  @Test
  @DisplayName("nothing accepted fails the round with the tally; undecided deltas wait only until the validation deadline")
  void failures() {
    id(chain.submitStartRound(start("r3", 20, 3, assignment(A, 0, 0, 0), assignment(B, 0, 0, 1))));
    String d0 = id(chain.submitDelta(A, delta("r3", 0, 0, 0)));
    id(chain.submitDelta(B, delta("r3", 0, 1, 0)));
    assertThat(round("r3").state()).isEqualTo(RoundState.VALIDATING);
    id(chain.decide(d0, DeltaStatus.REJECTED, List.of("NORM_TOO_LARGE")));
    chain.advance(30);
    RoundView v = round("r3");
    assertThat(v.state()).isEqualTo(RoundState.FAILED);
    assertThat(v.reason()).isEqualTo("no delta was accepted: 0 accepted, 1 rejected, 0 expired");
    assertThat(v.history()).anySatisfy(t -> assertThat(t.reason()).startsWith("validation deadline 24 passed with 1 undecided"));
  }

  @Test
  @DisplayName("the aggregation deadline finalizes the layers that got checkpoints, or fails when none did")
  void aggregationDeadline() {
    id(chain.submitStartRound(start("r4", 20, 3, assignment(A, 0, 1, 0))));
    String d0 = id(chain.submitDelta(A, delta("r4", 0, 0, 0)));
    String d1 = id(chain.submitDelta(A, delta("r4", 1, 0, 0)));
    id(chain.decide(d0, DeltaStatus.ACCEPTED, List.of()));
    id(chain.decide(d1, DeltaStatus.ACCEPTED, List.of()));
    assertThat(round("r4").state()).isEqualTo(RoundState.AGGREGATING);
    id(chain.acceptCheckpoint("r4", "model.layers.0", "c0", "", 1, List.of(d0)));
    chain.advance(40);
    assertThat(round("r4").state()).isEqualTo(RoundState.FINALIZED);
    assertThat(round("r4").reason()).startsWith("partial: aggregation deadline 29 passed with checkpoints for 1 of 2");

    id(chain.submitStartRound(start("r5", 2, 1, assignment(A, 0, 0, 0))));
    String e0 = id(chain.submitDelta(A, delta("r5", 0, 0, 0)));
    id(chain.decide(e0, DeltaStatus.ACCEPTED, List.of()));
    chain.advance(20);
    assertThat(round("r5").state()).isEqualTo(RoundState.FAILED);
    assertThat(round("r5").reason()).startsWith("no checkpoint agreed by the aggregation deadline");
  }

  @Test
  @DisplayName("a FinalizeRound whose reason starts with 'cancelled' cancels; a local CREATED round can be cancelled or failed")
  void cancel() {
    id(chain.submitStartRound(start("r6", 20, 3, assignment(A, 0, 0, 0))));
    id(chain.submitFinalize(FinalizeRound.newBuilder().setRoundId("r6").setReason("cancelled: client asked").build()));
    assertThat(round("r6").state()).isEqualTo(RoundState.CANCELLED);
    assertThat(round("r6").reason()).isEqualTo("cancelled: client asked");
    assertThat(chain.submitFinalize(FinalizeRound.newBuilder().setRoundId("r6").build()).cause())
        .hasMessageContaining("already finalized");

    tracker.created("r7", "tiny-1m", "00");
    assertThat(round("r7").state()).isEqualTo(RoundState.CREATED);
    assertThat(tracker.cancelCreated("r7", "cancelled before commit")).isTrue();
    assertThat(round("r7").state()).isEqualTo(RoundState.CANCELLED);
    tracker.created("r8", "tiny-1m", "00");
    tracker.failCreated("r8", "StartRound rejected: no assignments");
    assertThat(round("r8").state()).isEqualTo(RoundState.FAILED);
    assertThat(tracker.cancelCreated("r6", "x")).as("on chain already: cancel through the chain").isFalse();
  }

  @Test
  @DisplayName("replaying the chain's history into a fresh tracker rebuilds the same state, and both follow new blocks alike")
  void replayRebuildsState() {
    id(chain.submitStartRound(start("ra", 30, 5, assignment(A, 0, 1, 0), assignment(B, 0, 1, 1))));
    List<String> ds = submitAll("ra");
    id(chain.decide(ds.get(0), DeltaStatus.ACCEPTED, List.of()));
    id(chain.decide(ds.get(1), DeltaStatus.REJECTED, List.of("NOT_LEARNING")));
    id(chain.submitStartRound(start("rb", 4, 2, assignment(B, 0, 0, 0))));
    chain.advance(2);

    RoundTracker restarted = new RoundTracker(5);
    Future<Long> replayed = chain.replayAndSubscribe(restarted);
    assertThat(replayed.result()).isEqualTo(chain.latestHeight().result());
    assertThat(restarted.rounds()).isEqualTo(tracker.rounds());
    assertThat(restarted.height()).isEqualTo(tracker.height());

    id(chain.decide(ds.get(2), DeltaStatus.ACCEPTED, List.of()));
    id(chain.decide(ds.get(3), DeltaStatus.EXPIRED, List.of("DEADLINE")));
    id(chain.acceptCheckpoint("ra", "model.layers.0", "c0", "", 5, List.of(ds.get(0), ds.get(2))));
    chain.advance(10);
    assertThat(restarted.rounds()).isEqualTo(tracker.rounds());
    assertThat(restarted.round("ra").orElseThrow().state()).isEqualTo(RoundState.FINALIZED);
    assertThat(restarted.round("rb").orElseThrow().state()).isEqualTo(RoundState.FAILED);
  }
}
