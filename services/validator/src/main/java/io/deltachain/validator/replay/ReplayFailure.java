package io.deltachain.validator.replay;

/** Why a replay spot-check opened a dispute; the dispute's reason starts with the name. */
public enum ReplayFailure {
  /** The delta commits to no replay trace while the validator requires one. */
  NO_TRACE,
  /** The committed trace cannot be fetched or parsed. */
  TRACE_UNAVAILABLE,
  /** The published trace is not the one the SubmitDelta commits to. */
  COMMITMENT_MISMATCH,
  /** The trace has another number of steps than the round fixes. */
  STEP_COUNT_MISMATCH,
  /** The trace's segments are longer than the validator replays. */
  SEGMENT_TOO_LONG,
  /** The first recorded state is not the round's initial state (base weights, fresh adapters, empty optimizer). */
  INITIAL_STATE_MISMATCH,
  /** A recorded state cannot be fetched. */
  STATE_UNAVAILABLE,
  /** A fetched state does not hash to the hash the trace records for it. */
  STATE_HASH_MISMATCH,
  /** A state does not have the round's state layout (size). */
  STATE_SIZE_MISMATCH,
  /** The delta is not what the trace's final state says was trained. */
  DELTA_NOT_FINAL_STATE,
  /** The re-execution refused the recorded inputs (batches not the shard's, counters, step range). */
  INPUTS_REFUSED,
  /** A counter (step, optimizer step counts, loss scale) differs after the replay. */
  COUNTER_MISMATCH,
  /** The replayed weights or optimizer moments are farther from the recorded end state than the tolerance. */
  REPLAY_DIVERGED
}
