package io.deltachain.validator.replay;

import io.deltachain.core.replay.ReplayTrace;
import io.deltachain.core.tx.proto.Dispute;

/**
 * The result of a replay spot-check.
 *
 * @param segment the replayed segment (null when the check stopped before choosing one)
 * @param distancePpm the largest distance of a compared group (weights, first moments, second
 *     moments): ||replayed - recorded end|| relative to ||recorded end - start|| of that group, in
 *     ppm; -1 when the check failed before comparing
 * @param failure why it failed, or null when the replay matched
 * @param detail what was compared and found, for logs (also the dispute's reason on failure)
 * @param dispute the Dispute to submit, or null when the replay matched
 */
public record ReplayOutcome(ReplayTrace.Segment segment, long distancePpm, ReplayFailure failure, String detail,
    Dispute dispute) {
  /** Whether the replay matched within tolerance. */
  public boolean matched() {
    return dispute == null;
  }
}
