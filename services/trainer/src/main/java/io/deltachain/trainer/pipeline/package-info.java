/**
 * Pipeline-parallel training across trainer processes. A model is split into contiguous layer
 * spans ({@link io.deltachain.trainer.pipeline.PipelineLayout}, as the round's partition planner
 * assigns them); each stage process ({@link io.deltachain.trainer.pipeline.PipelineStageMain},
 * {@link io.deltachain.trainer.pipeline.StageService}) holds only its span's weights and its own
 * AdamW ({@link io.deltachain.trainer.pipeline.StageWorker}). A
 * {@link io.deltachain.trainer.pipeline.PipelineCoordinator} runs GPipe steps over micro-batches:
 * activations flow forward and gradients backward between neighbouring stages on vertx-grpc
 * streams, gradient norms are combined across stages for clipping, each stage records the hashes
 * of its boundary activations ({@link io.deltachain.trainer.pipeline.ActivationRecord}) with its
 * deltas so a validator can recompute a micro-batch ({@link io.deltachain.trainer.pipeline.SpotCheck}),
 * and a stage that dies or hangs is replaced from the last coordinated checkpoint.
 */
package io.deltachain.trainer.pipeline;
