/**
 * The validator service skeleton: a verticle that follows committed SubmitDelta transactions,
 * fetches each delta, judges it on a worker thread in chain order, and submits one VerdictBatch
 * per block through a {@link io.deltachain.validator.verdict.VerdictSink}; then spot-checks each
 * judged delta by replay ({@link io.deltachain.validator.service.ReplaySpotChecker}) and submits
 * the disputes through a {@link io.deltachain.validator.service.DisputeSink}. The chain feed, the
 * delta fetch, the per-round check context and the re-executors are interfaces the launcher wires
 * to the ABCI app, the delta store, the round service and the trainer module.
 */
package io.deltachain.validator.service;
