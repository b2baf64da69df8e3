package io.deltachain.validator.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.replay.ReplayTrace;
import io.deltachain.core.replay.StateHashes;
import io.deltachain.core.replay.StateLayout;
import io.deltachain.core.tx.proto.Dispute;
import io.deltachain.validator.testmodel.TinyMlp;
import io.deltachain.validator.testmodel.TinyTask;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Replay spot-checks on the tiny model: a trainer records its state every k SGD steps; the
 * verifier re-executes a chain-selected segment with real SGD and compares.
 */
class ReplayVerifierTest {
  static final int K = 8;
  static final double LR = 0.05;
  static final byte[] DELTA_ID = ContentHash.sha256("delta".getBytes()).bytes();
  final TinyTask task = new TinyTask(42);
  final TinyTask.Data shard = task.shard(3);
  final ReplayVerifier verifier = new ReplayVerifier(20_000);

  /** States the trainer published, by hash (the delta store). */
  final Map<ContentHash, float[]> store = new HashMap<>();

  /** Steps of the run {@link #train} does: 5 epochs of full minibatches of 8. */
  final long runSteps = 5L * (shard.size() / 8);

  /** Plain SGD has no optimizer state or counters: one WEIGHT section. */
  final SegmentExecutor executor = executor(runSteps, null);

  SegmentExecutor executor(long totalSteps, ContentHash initial) {
    return new SegmentExecutor() {
      @Override
      public StateLayout layout() {
        return StateLayout.flat(TinyMlp.init(1).state().length);
      }

      @Override
      public long totalSteps() {
        return totalSteps;
      }

      @Override
      public ContentHash initialStateHash() {
        return initial;
      }

      @Override
      public float[] execute(float[] start, long startStep, List<int[]> batches) {
        TinyMlp m = TinyMlp.fromState(start);
        for (int[] b : batches) {
          m.sgdStep(shard, b, TinyMlp.LAYER1, LR);
        }
        return m.state();
      }
    };
  }

  final FinalStateBinding none = FinalStateBinding.none();

  final StateFetcher fetcher = hash -> {
    float[] s = store.get(hash);
    if (s == null) {
      throw new IOException("no state " + hash.hex());
    }
    return s.clone();
  };

  /** Trains 5 epochs of minibatches of 8 and records a trace; {@code forge} may replace states. */
  ReplayTrace train(java.util.function.BiFunction<Integer, float[], float[]> forge) {
    TinyMlp m = TinyMlp.init(1);
    SplittableRandom r = new SplittableRandom(9);
    List<int[]> batches = new ArrayList<>();
    List<ContentHash> hashes = new ArrayList<>();
    hashes.add(publish(m.state()));
    int steps = 0;
    for (int epoch = 0; epoch < 5; epoch++) {
      int[] order = new int[shard.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      for (int i = order.length - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int s = 0; s + 8 <= order.length; s += 8) {
        int[] b = java.util.Arrays.copyOfRange(order, s, s + 8);
        m.sgdStep(shard, b, TinyMlp.LAYER1, LR);
        batches.add(b);
        steps++;
        if (steps % K == 0) {
          hashes.add(publish(forge.apply(steps / K, m.state())));
        }
      }
    }
    if (steps % K != 0) {
      hashes.add(publish(m.state()));
    }
    return new ReplayTrace(K, hashes, batches);
  }

  ContentHash publish(float[] state) {
    ContentHash h = StateHashes.of(state);
    store.put(h, state.clone());
    return h;
  }

  @Test
  @DisplayName("an honest trace replays within tolerance on every segment, including the chain-selected one")
  void honestTraceMatches() {
    ReplayTrace trace = train((i, s) -> s);
    assertThat(trace.segmentCount()).isEqualTo(10);
    for (int i = 0; i < trace.segmentCount(); i++) {
      ReplayOutcome o = verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, trace.commitment(), trace, i, none, fetcher, executor);
      assertThat(o.matched()).as("segment %d: %s", i, o.dispute()).isTrue();
      assertThat(o.distancePpm()).isZero();
    }
    ReplayOutcome selected = verifier.verify(DELTA_ID, TinyMlp.LAYER1, trace.commitment(), trace, "block-123".getBytes(), none, fetcher, executor);
    assertThat(selected.matched()).isTrue();
  }

  @Test
  @DisplayName("a trainer that skipped the work of one segment and interpolated its states gets a dispute scoped to that segment")
  void forgedSegmentIsDisputed() {
    // the forger did the real work only up to segment 5, then fabricated state 6 halfway to state 7
    Map<Integer, float[]> real = new HashMap<>();
    ReplayTrace honest = train((i, s) -> {
      real.put(i, s.clone());
      return s;
    });
    store.clear();
    ReplayTrace forged = train((i, s) -> {
      if (i == 6) {
        float[] a = real.get(5);
        float[] b = real.get(7);
        float[] f = new float[a.length];
        for (int k = 0; k < f.length; k++) {
          f[k] = (a[k] + b[k]) / 2;
        }
        return f;
      }
      return s;
    });
    assertThat(forged.commitment()).isNotEqualTo(honest.commitment());
    ReplayOutcome o = verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, forged.commitment(), forged, 5, none, fetcher, executor);
    assertThat(o.matched()).isFalse();
    Dispute d = o.dispute();
    assertThat(d.getDeltaId().toByteArray()).isEqualTo(DELTA_ID);
    assertThat(d.getLayer()).isEqualTo(TinyMlp.LAYER1);
    assertThat(d.getSegmentStartStep()).isEqualTo(5L * K);
    assertThat(d.getSegmentEndStep()).isEqualTo(6L * K);
    assertThat(d.getExpectedStateHash().toByteArray()).isEqualTo(forged.stateHashes().get(6).bytes());
    assertThat(d.getObservedStateHash().toByteArray()).isEqualTo(honest.stateHashes().get(6).bytes());
    assertThat(o.distancePpm()).isGreaterThan(20_000);
    assertThat(o.failure()).isEqualTo(ReplayFailure.REPLAY_DIVERGED);
    assertThat(d.getReason()).startsWith("REPLAY_DIVERGED: replay of segment 5 (steps 40..48)");
    // the segments the forger did not touch still replay cleanly
    assertThat(verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, forged.commitment(), forged, 2, none, fetcher, executor).matched()).isTrue();
  }

  @Test
  @DisplayName("recorded batch indices that were not the ones trained on are caught by the replay")
  void wrongBatchesAreDisputed() {
    ReplayTrace trace = train((i, s) -> s);
    List<int[]> lied = new ArrayList<>(trace.batches());
    for (int step = 3 * K; step < 4 * K; step++) {
      lied.set(step, new int[] {0, 1, 2, 3, 4, 5, 6, 7});
    }
    ReplayTrace claimed = new ReplayTrace(K, trace.stateHashes(), lied);
    ReplayOutcome o = verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, claimed.commitment(), claimed, 3, none, fetcher, executor);
    assertThat(o.matched()).isFalse();
    assertThat(o.failure()).isEqualTo(ReplayFailure.REPLAY_DIVERGED);
    assertThat(o.dispute().getReason()).contains("ppm");
  }

  @Test
  @DisplayName("a trace that is not the one committed on chain, or a state that does not match its hash, is disputed")
  void commitmentAndHashes() {
    ReplayTrace trace = train((i, s) -> s);
    ContentHash other = ContentHash.sha256(new byte[] {1});
    ReplayOutcome o = verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, other, trace, 0, none, fetcher, executor);
    assertThat(o.failure()).isEqualTo(ReplayFailure.COMMITMENT_MISMATCH);
    assertThat(o.dispute().getReason()).contains("commits to " + other.hex());
    StateFetcher tampered = h -> {
      float[] s = fetcher.fetch(h);
      s[0] += 1f;
      return s;
    };
    ReplayOutcome t = verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, trace.commitment(), trace, 1, none, tampered, executor);
    assertThat(t.failure()).isEqualTo(ReplayFailure.STATE_HASH_MISMATCH);
    assertThat(t.dispute().getReason()).contains("the trace records " + trace.stateHashes().get(1).hex());
    StateFetcher missing = h -> {
      throw new IOException("not in the store");
    };
    ReplayOutcome m = verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, trace.commitment(), trace, 1, none, missing, executor);
    assertThat(m.failure()).isEqualTo(ReplayFailure.STATE_UNAVAILABLE);
    assertThat(m.dispute().getReason()).contains("not in the store");
  }

  @Test
  @DisplayName("a trace with another step count than the round's, segments longer than the validator replays, or another start state is disputed before any replay")
  void roundBounds() {
    ReplayTrace trace = train((i, s) -> s);
    ReplayOutcome steps = verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, trace.commitment(), trace, 0, none, fetcher,
        executor(runSteps + 1, null));
    assertThat(steps.failure()).isEqualTo(ReplayFailure.STEP_COUNT_MISMATCH);
    assertThat(steps.dispute().getReason()).contains("trace records " + runSteps + " steps, the round's task has " + (runSteps + 1));
    ReplayOutcome tooLong = new ReplayVerifier(20_000, K - 1).verifySegment(DELTA_ID, TinyMlp.LAYER1, trace.commitment(), trace, 0,
        none, fetcher, executor);
    assertThat(tooLong.failure()).isEqualTo(ReplayFailure.SEGMENT_TOO_LONG);
    ContentHash realStart = StateHashes.of(TinyMlp.init(1).state());
    assertThat(verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, trace.commitment(), trace, 2, none, fetcher,
        executor(runSteps, realStart)).matched()).isTrue();
    ReplayOutcome otherStart = verifier.verifySegment(DELTA_ID, TinyMlp.LAYER1, trace.commitment(), trace, 2, none, fetcher,
        executor(runSteps, StateHashes.of(TinyMlp.init(2).state())));
    assertThat(otherStart.failure()).isEqualTo(ReplayFailure.INITIAL_STATE_MISMATCH);
  }

  @Test
  @DisplayName("segment selection is deterministic, depends on the chain seed, and covers every segment about equally")
  void selection() {
    byte[] seed = "block-9".getBytes();
    assertThat(SegmentSelector.select(seed, DELTA_ID, 10)).isEqualTo(SegmentSelector.select(seed, DELTA_ID, 10));
    int[] counts = new int[7];
    for (int i = 0; i < 7000; i++) {
      counts[SegmentSelector.select(("block-" + i).getBytes(), DELTA_ID, 7)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(850, 1150);
    }
    assertThat(SegmentSelector.select(seed, DELTA_ID, 1)).isZero();
    assertThatThrownBy(() -> SegmentSelector.select(seed, DELTA_ID, 0)).hasMessageContaining("at least one segment");
  }

  @Test
  @DisplayName("state hashes treat -0.0 and +0.0 alike and every NaN alike")
  void canonicalStateHash() {
    assertThat(StateHashes.of(new float[] {-0f, 1f})).isEqualTo(StateHashes.of(new float[] {0f, 1f}));
    assertThat(StateHashes.of(new float[] {Float.intBitsToFloat(0x7fc00001)})).isEqualTo(StateHashes.of(new float[] {Float.NaN}));
    assertThat(StateHashes.of(new float[] {1f})).isNotEqualTo(StateHashes.of(new float[] {2f}));
  }
}
