/**
 * Pipeline-parallel training across trainer processes. A model is split into contiguous layer
 * spans ({@link io.deltachain.trainer.pipeline.PipelineLayout}, as the round's partition planner
 * assigns them); each stage process ({@link io.deltachain.trainer.pipeline.PipelineStageMain},
 * {@link io.deltachain.trainer.pipeline.StageService}) holds only its span's weights and its own
 * AdamW ({@link io.deltachain.trainer.pipeline.StageWorker}). A
 * {@link io.deltachain.trainer.pipeline.PipelineCoordinator} runs GPipe or 1F1B steps over micro-batches:
 * activations flow forward and gradients backward between neighbouring stages on vertx-grpc
 * streams, gradient norms are combined across stages for clipping, each stage records the hashes
 * of its boundary activations ({@link io.deltachain.trainer.pipeline.ActivationRecord}) with its
 * deltas so a validator can recompute a micro-batch ({@link io.deltachain.trainer.pipeline.SpotCheck}),
 * and a stage that dies or hangs is replaced from the last coordinated checkpoint, which the
 * coordinator keeps a copy of so the replacement may run on another machine. Stages are started
 * by the coordinator ({@link io.deltachain.trainer.pipeline.LocalJvmStageLauncher}) or by operators
 * ({@link io.deltachain.trainer.pipeline.RemoteStageLauncher}: endpoints, spares allowed).
 */
package io.deltachain.trainer.pipeline;
