/**
 * Replay spot-checks on the trainer's side: {@link io.deltachain.trainer.replay.ReplayRecorder}
 * records a run's training state every k steps and at its last step (the state layout is
 * {@link io.deltachain.trainer.train.TrainingStateVector}'s) and the windows of every step's batch,
 * and writes the core {@code ReplayTrace} and state files the trainer publishes;
 * {@link io.deltachain.trainer.replay.SegmentReplayer} re-executes a recorded segment with the
 * real DJL trainer, set up from the task exactly as {@code TrainingJob} sets up training, which is
 * what a validator runs to check a trace.
 */
package io.deltachain.trainer.replay;
