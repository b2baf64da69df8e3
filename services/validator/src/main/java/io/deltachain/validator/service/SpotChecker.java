package io.deltachain.validator.service;

import io.deltachain.core.delta.DeltaFile;
import io.deltachain.validator.replay.ReplayOutcome;
import io.deltachain.validator.verdict.CheckContext;

/** Runs the replay spot-check of a judged delta. Blocking: the verticle calls it on a worker. */
@FunctionalInterface
public interface SpotChecker {
  /**
   * @param delta the committed delta (its block hash seeds the segment choice)
   * @param file the delta file as fetched and judged
   * @param context the delta's check context (base weights of its layer)
   * @return the outcome, or null when this delta is not spot-checked
   * @throws Exception when the validator itself could not check (no dispute follows)
   */
  ReplayOutcome check(CommittedDelta delta, DeltaFile file, CheckContext context) throws Exception;
}
