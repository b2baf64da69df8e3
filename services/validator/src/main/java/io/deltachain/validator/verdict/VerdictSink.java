package io.deltachain.validator.verdict;

import io.deltachain.core.tx.proto.VerdictBatch;
import io.vertx.core.Future;

/**
 * Where a validator's verdicts go: one VerdictBatch transaction per validator per block, signed
 * with the node's identity. The chain client of the abci-app module implements it.
 */
@FunctionalInterface
public interface VerdictSink {
  /** Submits the batch; completes when the transaction is accepted into the mempool. */
  Future<Void> submit(VerdictBatch batch);
}
