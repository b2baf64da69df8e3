/**
 * Verdicts on submitted deltas: five checks run in a fixed order, stopping at the first
 * failure, each a small single-purpose {@link io.deltachain.validator.verdict.DeltaRule} that
 * returns a {@link io.deltachain.validator.verdict.ValidationResult} with a
 * {@link io.deltachain.validator.verdict.ReasonCode} instead of throwing:
 * <ol>
 *   <li>structure against the round's plan on chain,</li>
 *   <li>numeric sanity (finite values, per-tensor norm ratio bound),</li>
 *   <li>proof of learning (evaluation-set loss gain; assigned-shard gain above random-data gain),</li>
 *   <li>drift and anomalies (cosine to the round's consensus direction, robust z-score of the norm),</li>
 *   <li>copying (near-duplicate cosine or top-k index overlap with an earlier delta of the round).</li>
 * </ol>
 * Cheap checks come first so that a malformed or poisoned delta never costs a loss evaluation.
 * An accepted verdict carries a fixed-point, sign-safe score (see {@link io.deltachain.validator.verdict.Score}).
 */
package io.deltachain.validator.verdict;
