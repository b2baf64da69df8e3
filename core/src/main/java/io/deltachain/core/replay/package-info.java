/**
 * The shared language of replay spot-checks (after Jia et al.'s proof of learning, with the
 * segment chosen by the chain): the {@link io.deltachain.core.replay.ReplayTrace} a trainer
 * records and commits to in {@code SubmitDelta.replay_commitment}, the file format and hash of a
 * training state ({@link io.deltachain.core.replay.StateHashes}), and the
 * {@link io.deltachain.core.replay.StateLayout} that says which part of a state is weights,
 * optimizer moments or counters. Trainers write these; validators read, re-execute and compare
 * them. Both files are content-addressed: the store's SHA-256 of a file is the hash on chain or in
 * the trace.
 */
package io.deltachain.core.replay;
