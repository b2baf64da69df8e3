package io.deltachain.validator.replay;

import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.replay.ReplayTrace;
import io.deltachain.core.replay.StateHashes;
import io.deltachain.core.replay.StateLayout;
import io.deltachain.core.tx.proto.Dispute;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Runs one replay spot-check on a delta's trace, cheapest checks first: the trace is the
 * committed one, has the round's number of steps and replayable segments, starts from the
 * round's initial state; the segment's start and end states and the final state are available
 * and hash to what the trace records, and have the round's layout; the delta equals what the
 * final state trained ({@link FinalStateBinding}); then the segment is re-executed and compared.
 *
 * <p>Comparison: counters (steps, optimizer step counts) must be equal; weights, first moments
 * and second moments are compared as three groups, each by the distance between the replayed
 * and the recorded end state relative to how far the recorded segment moved that group
 * ({@code ||recorded end - start||}), which must not exceed the tolerance. Relative to the
 * segment's own movement, not to the weights' norm, because a forged segment that barely moves
 * the weights would otherwise pass any tolerance scaled by the (large) weights; moments are
 * their own groups because they steer the next segment (an unchecked moment could carry any
 * update into it) and are orders of magnitude smaller than weights. Hardware nondeterminism (GPU
 * reductions) makes exact equality too strict; a tolerance of a few percent separates it from a
 * forged or skipped segment, whose error is of the order of the movement itself.
 */
public final class ReplayVerifier {
  /** The ledger's limit on a dispute's reason; longer reasons are cut (the outcome keeps the whole text). */
  public static final int MAX_REASON_CHARS = 256;

  /** Default bound on a segment's length: longer segments make a spot-check too expensive. */
  public static final int DEFAULT_MAX_SEGMENT_STEPS = 100;

  private static final StateLayout.Kind[] GROUPS = {
    StateLayout.Kind.WEIGHT, StateLayout.Kind.FIRST_MOMENT, StateLayout.Kind.SECOND_MOMENT
  };

  private final long tolerancePpm;
  private final int maxSegmentSteps;

  /** @param tolerancePpm largest accepted relative distance, ppm; segments up to {@value #DEFAULT_MAX_SEGMENT_STEPS} steps */
  public ReplayVerifier(long tolerancePpm) {
    this(tolerancePpm, DEFAULT_MAX_SEGMENT_STEPS);
  }

  /**
   * @param tolerancePpm largest accepted relative distance, ppm
   * @param maxSegmentSteps longest segment (k) this validator replays; longer ones are disputed
   */
  public ReplayVerifier(long tolerancePpm, int maxSegmentSteps) {
    if (tolerancePpm < 0) {
      throw new IllegalArgumentException("replay tolerance must be >= 0 ppm, got " + tolerancePpm);
    }
    if (maxSegmentSteps < 1) {
      throw new IllegalArgumentException("the longest replayed segment must be at least 1 step, got " + maxSegmentSteps);
    }
    this.tolerancePpm = tolerancePpm;
    this.maxSegmentSteps = maxSegmentSteps;
  }

  /** @return the tolerance, ppm */
  public long tolerancePpm() {
    return tolerancePpm;
  }

  /**
   * Checks the segment the chain seed selects.
   *
   * @param deltaId the delta's id (SHA-256 of its SubmitDelta)
   * @param layer the delta's layer, which scopes the dispute
   * @param committed the {@code replay_commitment} from the SubmitDelta on chain
   * @param trace the trace the trainer published
   * @param chainSeed chain data the trainer could not know while training (e.g. the commit block's hash)
   * @param binding the delta, to compare with the trace's final state
   */
  public ReplayOutcome verify(byte[] deltaId, String layer, ContentHash committed, ReplayTrace trace, byte[] chainSeed,
      FinalStateBinding binding, StateFetcher fetcher, SegmentExecutor executor) {
    int index = SegmentSelector.select(chainSeed, deltaId, trace.segmentCount());
    return verifySegment(deltaId, layer, committed, trace, index, binding, fetcher, executor);
  }

  /** Checks one given segment (also used when a dispute names a segment to re-check). */
  public ReplayOutcome verifySegment(byte[] deltaId, String layer, ContentHash committed, ReplayTrace trace, int index,
      FinalStateBinding binding, StateFetcher fetcher, SegmentExecutor executor) {
    ReplayTrace.Segment seg = trace.segment(index);
    ContentHash actualCommitment = trace.commitment();
    if (!actualCommitment.equals(committed)) {
      return failed(seg, deltaId, layer, ReplayFailure.COMMITMENT_MISMATCH, seg.endHash(), actualCommitment,
          "published trace hashes to " + actualCommitment.hex() + " but the SubmitDelta commits to " + committed.hex());
    }
    if (trace.totalSteps() != executor.totalSteps()) {
      return failed(seg, deltaId, layer, ReplayFailure.STEP_COUNT_MISMATCH, trace.finalStateHash(), null,
          "trace records " + trace.totalSteps() + " steps, the round's task has " + executor.totalSteps());
    }
    if (trace.interval() > maxSegmentSteps) {
      return failed(seg, deltaId, layer, ReplayFailure.SEGMENT_TOO_LONG, seg.endHash(), null,
          "trace records a state every " + trace.interval() + " steps; this validator replays at most " + maxSegmentSteps);
    }
    ContentHash initial = executor.initialStateHash();
    if (initial != null && !initial.equals(trace.stateHashes().get(0))) {
      return failed(seg, deltaId, layer, ReplayFailure.INITIAL_STATE_MISMATCH, initial, trace.stateHashes().get(0),
          "the trace's state at step 0 is not the round's initial state (base weights, fresh adapters, empty optimizer)");
    }
    StateLayout layout = executor.layout();
    float[] start;
    float[] recordedEnd;
    float[] finalState;
    ContentHash finalHash = trace.finalStateHash();
    try {
      start = fetchChecked(fetcher, seg.startHash(), seg.startStep(), layout);
      recordedEnd = fetchChecked(fetcher, seg.endHash(), seg.endStep(), layout);
      finalState = finalHash.equals(seg.endHash()) ? recordedEnd : fetchChecked(fetcher, finalHash, trace.totalSteps(), layout);
    } catch (StateProblem p) {
      return failed(seg, deltaId, layer, p.failure, p.expected, p.observed, p.getMessage());
    }
    String unbound = binding.mismatch(finalState, layout);
    if (unbound != null) {
      return failed(seg, deltaId, layer, ReplayFailure.DELTA_NOT_FINAL_STATE, finalHash, null,
          "the delta is not what the trace's final state trained: " + unbound);
    }
    float[] replayed;
    try {
      replayed = executor.execute(start.clone(), seg.startStep(), seg.batches());
    } catch (ReplayRefusal r) {
      return failed(seg, deltaId, layer, ReplayFailure.INPUTS_REFUSED, seg.endHash(), null,
          "segment " + index + " cannot be replayed: " + r.getMessage());
    }
    ContentHash replayedHash = StateHashes.of(replayed);
    if (replayed.length != recordedEnd.length) {
      return failed(seg, deltaId, layer, ReplayFailure.STATE_SIZE_MISMATCH, seg.endHash(), replayedHash,
          "replay produced a state of " + replayed.length + " values, the recorded one has " + recordedEnd.length);
    }
    for (StateLayout.Section s : layout.sections(StateLayout.Kind.COUNTER)) {
      for (int i = s.offset(); i < s.offset() + s.length(); i++) {
        if (Float.compare(replayed[i], recordedEnd[i]) != 0) {
          return failed(seg, deltaId, layer, ReplayFailure.COUNTER_MISMATCH, seg.endHash(), replayedHash,
              String.format(Locale.ROOT, "after replaying steps %d..%d counter %s is %s, the recorded end state says %s",
                  seg.startStep(), seg.endStep(), s.name(), replayed[i], recordedEnd[i]));
        }
      }
    }
    StringBuilder groups = new StringBuilder();
    long worst = 0;
    boolean ok = true;
    for (StateLayout.Kind kind : GROUPS) {
      double distance = 0;
      double movement = 0;
      boolean any = false;
      for (StateLayout.Section s : layout.sections(kind)) {
        any = true;
        for (int k = s.offset(); k < s.offset() + s.length(); k++) {
          double d = (double) replayed[k] - recordedEnd[k];
          double m = (double) recordedEnd[k] - start[k];
          distance += d * d;
          movement += m * m;
        }
      }
      if (!any) {
        continue;
      }
      distance = Math.sqrt(distance);
      movement = Math.sqrt(movement);
      long ppm;
      boolean groupOk;
      if (Double.isNaN(distance) || Double.isNaN(movement)) {
        ppm = Long.MAX_VALUE;
        groupOk = false;
      } else if (movement == 0) {
        groupOk = distance == 0;
        ppm = groupOk ? 0 : Long.MAX_VALUE;
      } else {
        double rel = distance / movement * 1e6;
        ppm = Double.isFinite(rel) ? (long) Math.ceil(rel) : Long.MAX_VALUE;
        groupOk = distance * 1e6 <= tolerancePpm * movement;
      }
      ok &= groupOk;
      worst = Math.max(worst, ppm);
      if (groups.length() > 0) {
        groups.append(", ");
      }
      groups.append(groupName(kind)).append(' ').append(ppm == Long.MAX_VALUE ? "inf" : Long.toString(ppm)).append(" ppm");
    }
    String detail = String.format(Locale.ROOT, "replay of segment %d (steps %d..%d): distance to the recorded end state"
        + " / the segment's movement: %s (tolerance %d ppm)", index, seg.startStep(), seg.endStep(), groups, tolerancePpm);
    if (ok) {
      String note = binding.notChecked() == null ? "" : "; delta binding not checked: " + binding.notChecked();
      return new ReplayOutcome(seg, worst, null, detail + note, null);
    }
    return new ReplayOutcome(seg, worst, ReplayFailure.REPLAY_DIVERGED, ReplayFailure.REPLAY_DIVERGED.name() + ": " + detail,
        dispute(deltaId, layer, seg, seg.endHash(), replayedHash, ReplayFailure.REPLAY_DIVERGED, detail));
  }

  private static String groupName(StateLayout.Kind kind) {
    return switch (kind) {
      case WEIGHT -> "weights";
      case FIRST_MOMENT -> "first moments";
      case SECOND_MOMENT -> "second moments";
      case COUNTER -> "counters";
    };
  }

  private static float[] fetchChecked(StateFetcher fetcher, ContentHash hash, long step, StateLayout layout) throws StateProblem {
    float[] state;
    try {
      state = fetcher.fetch(hash);
    } catch (IOException e) {
      throw new StateProblem(ReplayFailure.STATE_UNAVAILABLE, hash, null,
          "recorded state of step " + step + " (" + hash.hex() + ") is unavailable: " + e.getMessage());
    }
    ContentHash actual = StateHashes.of(state);
    if (!actual.equals(hash)) {
      throw new StateProblem(ReplayFailure.STATE_HASH_MISMATCH, hash, actual,
          "fetched state of step " + step + " hashes to " + actual.hex() + ", the trace records " + hash.hex());
    }
    if (state.length != layout.length()) {
      throw new StateProblem(ReplayFailure.STATE_SIZE_MISMATCH, hash, actual,
          "state of step " + step + " has " + state.length + " values, the round's state layout has " + layout.length());
    }
    return state;
  }

  /** A dispute that stops before choosing a segment (no trace, trace unavailable). */
  public static ReplayOutcome withoutSegment(byte[] deltaId, String layer, ReplayFailure failure, String reason) {
    Dispute d = Dispute.newBuilder()
        .setDeltaId(ByteString.copyFrom(Arrays.copyOf(deltaId, deltaId.length)))
        .setLayer(layer)
        .setReason(cut(failure.name() + ": " + reason))
        .build();
    return new ReplayOutcome(null, -1, failure, failure.name() + ": " + reason, d);
  }

  private static ReplayOutcome failed(ReplayTrace.Segment seg, byte[] deltaId, String layer, ReplayFailure failure,
      ContentHash expected, ContentHash observed, String reason) {
    Dispute d = dispute(deltaId, layer, seg, expected, observed, failure, reason);
    return new ReplayOutcome(seg, -1, failure, failure.name() + ": " + reason, d);
  }

  private static Dispute dispute(byte[] deltaId, String layer, ReplayTrace.Segment seg, ContentHash expected, ContentHash observed,
      ReplayFailure failure, String reason) {
    Dispute.Builder b = Dispute.newBuilder()
        .setDeltaId(ByteString.copyFrom(Arrays.copyOf(deltaId, deltaId.length)))
        .setLayer(layer)
        .setSegmentStartStep(seg.startStep())
        .setSegmentEndStep(seg.endStep())
        .setExpectedStateHash(ByteString.copyFrom(expected.bytes()))
        .setReason(cut(failure.name() + ": " + reason));
    if (observed != null) {
      b.setObservedStateHash(ByteString.copyFrom(observed.bytes()));
    }
    return b.build();
  }

  private static String cut(String reason) {
    String clean = reason.replaceAll("\\p{Cntrl}", " ");
    return clean.length() <= MAX_REASON_CHARS ? clean : clean.substring(0, MAX_REASON_CHARS - 3) + "...";
  }

  /** A fetched state that cannot be used, with the dispute fields it implies. */
  private static final class StateProblem extends Exception {
    private static final long serialVersionUID = 1L;
    final transient ReplayFailure failure;
    final transient ContentHash expected;
    final transient ContentHash observed;

    StateProblem(ReplayFailure failure, ContentHash expected, ContentHash observed, String message) {
      super(message, null, false, false);
      this.failure = failure;
      this.expected = expected;
      this.observed = observed;
    }
  }
}
