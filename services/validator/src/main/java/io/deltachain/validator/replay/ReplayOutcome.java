package io.deltachain.validator.replay;

import io.deltachain.core.tx.proto.Dispute;

/**
 * The result of a replay spot-check.
 *
 * @param segment the replayed segment
 * @param distancePpm ||replayed - recorded end|| relative to ||recorded end - start||, ppm
 *     (-1 when the check failed before comparing)
 * @param dispute the Dispute to submit, or null when the replay matched
 */
public record ReplayOutcome(ReplayTrace.Segment segment, long distancePpm, Dispute dispute) {
  /** Whether the replay matched within tolerance. */
  public boolean matched() {
    return dispute == null;
  }
}
