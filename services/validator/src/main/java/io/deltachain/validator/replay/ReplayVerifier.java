package io.deltachain.validator.replay;

import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.Dispute;
import java.io.IOException;
import java.util.Arrays;

/**
 * Runs one replay spot-check on a delta's trace.
 *
 * <p>Comparison: the distance between the replayed end state and the trainer's recorded end
 * state, relative to how far the recorded segment moved ({@code ||recorded end - start||}),
 * must not exceed the tolerance. Relative to the segment's own movement, not to the weights'
 * norm, because a forged segment that barely moves the weights would otherwise pass any
 * tolerance scaled by the (large) weights. Hardware nondeterminism (GPU reductions) makes
 * exact equality too strict; a tolerance of a few percent separates it from a forged or
 * skipped segment, whose error is of the order of the movement itself.
 */
public final class ReplayVerifier {
  private final long tolerancePpm;

  /** @param tolerancePpm largest accepted relative distance, ppm */
  public ReplayVerifier(long tolerancePpm) {
    if (tolerancePpm < 0) {
      throw new IllegalArgumentException("replay tolerance must be >= 0 ppm, got " + tolerancePpm);
    }
    this.tolerancePpm = tolerancePpm;
  }

  /**
   * Checks the segment the chain seed selects.
   *
   * @param deltaId the delta's id (SHA-256 of its SubmitDelta)
   * @param layer the delta's layer, which scopes the dispute
   * @param committed the {@code replay_commitment} from the SubmitDelta on chain
   * @param trace the trace the trainer published
   * @param chainSeed chain data the trainer could not know while training (e.g. the commit block's hash)
   */
  public ReplayOutcome verify(byte[] deltaId, String layer, ContentHash committed, ReplayTrace trace, byte[] chainSeed,
      StateFetcher fetcher, SegmentExecutor executor) {
    int index = SegmentSelector.select(chainSeed, deltaId, trace.segmentCount());
    return verifySegment(deltaId, layer, committed, trace, index, fetcher, executor);
  }

  /** Checks one given segment (also used when a dispute names a segment to re-check). */
  public ReplayOutcome verifySegment(byte[] deltaId, String layer, ContentHash committed, ReplayTrace trace, int index,
      StateFetcher fetcher, SegmentExecutor executor) {
    ReplayTrace.Segment seg = trace.segment(index);
    if (!trace.commitment().equals(committed)) {
      return failed(seg, deltaId, layer, seg.endHash(), trace.commitment(),
          "published trace hashes to " + trace.commitment().hex() + " but the SubmitDelta commits to " + committed.hex());
    }
    float[] start;
    float[] recordedEnd;
    try {
      start = fetcher.fetch(seg.startHash());
      recordedEnd = fetcher.fetch(seg.endHash());
    } catch (IOException e) {
      return failed(seg, deltaId, layer, seg.startHash(), null, "recorded state of segment " + index + " is unavailable: " + e.getMessage());
    }
    ContentHash startActual = StateHashes.of(start);
    if (!startActual.equals(seg.startHash())) {
      return failed(seg, deltaId, layer, seg.startHash(), startActual, "fetched start state does not match its committed hash");
    }
    ContentHash endActual = StateHashes.of(recordedEnd);
    if (!endActual.equals(seg.endHash())) {
      return failed(seg, deltaId, layer, seg.endHash(), endActual, "fetched end state does not match its committed hash");
    }
    if (start.length != recordedEnd.length) {
      return failed(seg, deltaId, layer, seg.endHash(), endActual, "start and end states differ in size");
    }
    float[] replayed = executor.execute(start.clone(), seg.startStep(), seg.batches());
    ContentHash replayedHash = StateHashes.of(replayed);
    if (replayed.length != recordedEnd.length) {
      return failed(seg, deltaId, layer, seg.endHash(), replayedHash, "replay produced a state of another size");
    }
    double distance = 0;
    double movement = 0;
    for (int k = 0; k < replayed.length; k++) {
      double d = (double) replayed[k] - recordedEnd[k];
      double m = (double) recordedEnd[k] - start[k];
      distance += d * d;
      movement += m * m;
    }
    distance = Math.sqrt(distance);
    movement = Math.sqrt(movement);
    boolean ok;
    long ppm;
    if (movement == 0) {
      ok = distance == 0;
      ppm = ok ? 0 : Long.MAX_VALUE;
    } else {
      double rel = distance / movement * 1e6;
      ppm = Double.isFinite(rel) ? (long) Math.ceil(rel) : Long.MAX_VALUE;
      ok = distance * 1e6 <= tolerancePpm * movement;
    }
    if (ok && !Double.isNaN(distance)) {
      return new ReplayOutcome(seg, ppm, null);
    }
    return new ReplayOutcome(seg, ppm, dispute(deltaId, layer, seg, seg.endHash(), replayedHash, String.format(
        "replay of steps %d..%d ends %d ppm of the segment's movement away from the recorded state (tolerance %d ppm)",
        seg.startStep(), seg.endStep(), ppm, tolerancePpm)));
  }

  private static ReplayOutcome failed(ReplayTrace.Segment seg, byte[] deltaId, String layer, ContentHash expected, ContentHash observed,
      String reason) {
    return new ReplayOutcome(seg, -1, dispute(deltaId, layer, seg, expected, observed, reason));
  }

  private static Dispute dispute(byte[] deltaId, String layer, ReplayTrace.Segment seg, ContentHash expected, ContentHash observed,
      String reason) {
    Dispute.Builder b = Dispute.newBuilder()
        .setDeltaId(ByteString.copyFrom(Arrays.copyOf(deltaId, deltaId.length)))
        .setLayer(layer)
        .setSegmentStartStep(seg.startStep())
        .setSegmentEndStep(seg.endStep())
        .setExpectedStateHash(ByteString.copyFrom(expected.bytes()))
        .setReason(reason);
    if (observed != null) {
      b.setObservedStateHash(ByteString.copyFrom(observed.bytes()));
    }
    return b.build();
  }
}
