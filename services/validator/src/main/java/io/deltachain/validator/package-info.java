/**
 * The validator service: decides which submitted deltas are real learning (verdicts with
 * reason codes and fixed-point scores) and turns accepted deltas into checkpoints that every
 * honest validator computes to the same bytes (deterministic robust aggregation).
 *
 * <ul>
 *   <li>{@link io.deltachain.validator.delta}: in-memory dense and LoRA deltas of one layer;</li>
 *   <li>{@link io.deltachain.validator.aggregate}: weighted mean, Krum, multi-Krum, trimmed
 *       mean and coordinate median, bit-reproducible across machines and thread counts;</li>
 *   <li>{@link io.deltachain.validator.verdict}: the ordered verdict rules (structure, numeric
 *       sanity, proof of learning, drift, copying) and the sign-safe score;</li>
 *   <li>{@link io.deltachain.validator.replay}: chain-seeded replay spot-checks and disputes.</li>
 * </ul>
 */
package io.deltachain.validator;
