package io.deltachain.validator.service;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.replay.ReplayTrace;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.validator.replay.FinalStateBinding;
import io.deltachain.validator.replay.ReplayFailure;
import io.deltachain.validator.replay.ReplayOutcome;
import io.deltachain.validator.replay.ReplayVerifier;
import io.deltachain.validator.replay.SegmentExecutor;
import io.deltachain.validator.replay.StateFetcher;
import io.deltachain.validator.replay.TraceFetcher;
import io.deltachain.validator.verdict.CheckContext;
import java.io.IOException;
import java.util.Objects;

/**
 * The replay spot-check of one delta: fetches the trace its SubmitDelta commits to, lets the
 * block hash that committed the delta pick the segment ({@link io.deltachain.validator.replay.SegmentSelector}),
 * and runs {@link ReplayVerifier} with the round's re-executor and the delta bound to the trace's
 * final state. A delta without a trace is disputed when traces are required, else not checked.
 */
public final class ReplaySpotChecker implements SpotChecker {
  private final ReplayVerifier verifier;
  private final TraceFetcher traces;
  private final StateFetcher states;
  private final SegmentExecutors executors;
  private final boolean requireTrace;

  /**
   * @param verifier tolerance and segment bound
   * @param traces fetches traces by commitment
   * @param states fetches states by hash
   * @param executors the round's re-executor per delta
   * @param requireTrace whether a delta without a replay commitment is disputed
   */
  public ReplaySpotChecker(ReplayVerifier verifier, TraceFetcher traces, StateFetcher states, SegmentExecutors executors,
      boolean requireTrace) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.traces = Objects.requireNonNull(traces, "traces");
    this.states = Objects.requireNonNull(states, "states");
    this.executors = Objects.requireNonNull(executors, "executors");
    this.requireTrace = requireTrace;
  }

  @Override
  public ReplayOutcome check(CommittedDelta delta, DeltaFile file, CheckContext context) throws Exception {
    SubmitDelta tx = delta.tx();
    if (tx.getReplayCommitment().isEmpty()) {
      return requireTrace
          ? ReplayVerifier.withoutSegment(delta.deltaId(), tx.getLayer(), ReplayFailure.NO_TRACE,
              "the SubmitDelta commits to no replay trace; this validator requires one")
          : null;
    }
    ContentHash commitment = ContentHash.of(tx.getReplayCommitment().toByteArray());
    ReplayTrace trace;
    try {
      trace = traces.fetchTrace(commitment);
    } catch (IOException e) {
      return ReplayVerifier.withoutSegment(delta.deltaId(), tx.getLayer(), ReplayFailure.TRACE_UNAVAILABLE,
          "replay trace " + commitment.hex() + " is unavailable: " + e.getMessage());
    }
    SegmentExecutor executor = executors.forDelta(delta);
    try {
      return verifier.verify(delta.deltaId(), tx.getLayer(), commitment, trace, delta.blockHash(),
          FinalStateBinding.of(file, context.baseWeights()), states, executor);
    } finally {
      if (executor instanceof AutoCloseable c) {
        c.close();
      }
    }
  }
}
