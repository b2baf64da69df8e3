package io.deltachain.validator.service;

import io.deltachain.validator.replay.SegmentExecutor;

/**
 * Builds the re-executor of a delta's task as its round fixes it (the launcher wires the trainer
 * module's DJL one). An executor that is {@link AutoCloseable} is closed after its check.
 */
@FunctionalInterface
public interface SegmentExecutors {
  /** The executor for this delta; throws when the validator cannot set it up (no dispute follows). */
  SegmentExecutor forDelta(CommittedDelta delta) throws Exception;
}
