/**
 * The partition planner: decides, from a model profile and each worker's memory and measured
 * throughput, which worker trains which contiguous span of layers, in which mode and precision,
 * so that every pipeline covers every layer exactly once and nothing exceeds a worker's memory.
 *
 * <p>Memory comes from the core {@link io.deltachain.core.profile.MemoryModel} (applied to one
 * pipeline stage by {@link io.deltachain.round.planner.StageModel}); compute from
 * {@link io.deltachain.core.profile.ModelCost}. Stage spans are balanced the way Petals places
 * blocks: a stage's time per token is its FLOPs over the worker's throughput, and the pipeline
 * runs at the pace of its slowest stage, which the plan names.
 */
package io.deltachain.round.planner;
