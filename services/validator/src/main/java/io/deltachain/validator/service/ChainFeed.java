package io.deltachain.validator.service;

import io.vertx.core.Handler;

/** Committed chain events the validator follows (wired to the ABCI app's event stream). */
public interface ChainFeed {
  /** Calls the handler for every committed SubmitDelta, in chain order. */
  void onCommittedDelta(Handler<CommittedDelta> handler);

  /** Calls the handler with the height of every committed block, after its deltas. */
  void onBlockCommitted(Handler<Long> handler);
}
