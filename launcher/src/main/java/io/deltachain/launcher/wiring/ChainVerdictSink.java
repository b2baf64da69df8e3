package io.deltachain.launcher.wiring;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.VerdictBatch;
import io.deltachain.validator.verdict.VerdictSink;
import io.vertx.core.Future;

/**
 * Submits a validator's VerdictBatch through its own node, signed with the node's
 * {@code priv_validator_key} (the identity whose voting power the ledger counts).
 */
public final class ChainVerdictSink implements VerdictSink {
  private final ChainClient chain;
  private final TxSigner signer;
  private final SerialSubmitter submitter;
  private final java.util.concurrent.atomic.AtomicLong verdicts = new java.util.concurrent.atomic.AtomicLong();

  /** @param signer the validator's consensus key, with its last nonce on chain */
  public ChainVerdictSink(ChainClient chain, TxSigner signer) {
    this(chain, new SerialSubmitter(signer));
  }

  /**
   * @param submitter the validator's consensus key, shared with whatever else signs with it
   *     (its {@link CheckpointAggregator}), so their transactions reach the mempool in nonce order
   */
  public ChainVerdictSink(ChainClient chain, SerialSubmitter submitter) {
    this.chain = chain;
    this.signer = submitter.signer();
    this.submitter = submitter;
  }

  /** Verdicts this validator has sent so far (whether or not the ledger still needed them). */
  public long verdictsSent() {
    return verdicts.get();
  }

  @Override
  public Future<Void> submit(VerdictBatch batch) {
    verdicts.addAndGet(batch.getVerdictsCount());
    return submitter.submit(signer -> chain.broadcastTxSync(signer.sign(BodyType.VERDICT_BATCH, batch)))
        .compose(r -> r.ok() ? Future.<Void>succeededFuture()
            : Future.failedFuture("VerdictBatch refused at CheckTx: code " + r.code() + " " + r.log()));
  }
}
