/**
 * Replay spot-checks, the deeper verification behind a verdict (after Jia et al.'s proof of
 * learning, with the segment chosen by the chain): a trainer records the hash of its training
 * state every k steps and the batch indices of every step, and commits to that trace in its
 * SubmitDelta ({@code replay_commitment}). A seed from the chain, unknown when the trainer
 * trained, picks one segment; a validator fetches the segment's start state (checked against
 * its hash), re-executes the segment's steps with the recorded batches, and compares the result
 * with the trainer's recorded end state within a tolerance. A mismatch yields a Dispute body
 * scoped to that layer's delta.
 *
 * <p>Re-execution itself is the trainer module's job ({@link io.deltachain.validator.replay.SegmentExecutor});
 * this package owns the data model, the selection, the comparison and the dispute.
 */
package io.deltachain.validator.replay;
