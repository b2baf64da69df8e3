/**
 * Replay spot-checks, the deeper verification behind a verdict (after Jia et al.'s proof of
 * learning, with the segment chosen by the chain): a trainer records its training state every k
 * steps and the batch indices of every step, and commits to that trace in its SubmitDelta
 * ({@code replay_commitment}; the formats are core's {@code io.deltachain.core.replay}). A seed
 * from the chain, unknown when the trainer trained, picks one segment
 * ({@link io.deltachain.validator.replay.SegmentSelector}); the
 * {@link io.deltachain.validator.replay.ReplayVerifier} checks the trace against the round
 * (step count, initial state), fetches the segment's states (checked against their hashes),
 * binds the delta to the trace's final state ({@link io.deltachain.validator.replay.FinalStateBinding}),
 * re-executes the segment with the recorded batches and compares the result with the recorded
 * end state within a tolerance. Each failure has its {@link io.deltachain.validator.replay.ReplayFailure}
 * code and yields a Dispute body scoped to that layer's delta.
 *
 * <p>Re-execution itself is behind {@link io.deltachain.validator.replay.SegmentExecutor} (the
 * launcher wires the trainer module's DJL replayer), so this module does not depend on DJL.
 */
package io.deltachain.validator.replay;
