/**
 * The validator service skeleton: a verticle that follows committed SubmitDelta transactions,
 * fetches each delta, judges it on a worker thread in chain order, and submits one VerdictBatch
 * per block through a {@link io.deltachain.validator.verdict.VerdictSink}. The chain feed, the
 * delta fetch and the per-round check context are interfaces the launcher wires to the ABCI
 * app, the delta store and the round service.
 */
package io.deltachain.validator.service;
