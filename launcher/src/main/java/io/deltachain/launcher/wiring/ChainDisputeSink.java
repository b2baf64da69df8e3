package io.deltachain.launcher.wiring;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.Dispute;
import io.deltachain.validator.replay.ReplayOutcome;
import io.deltachain.validator.service.CommittedDelta;
import io.deltachain.validator.service.DisputeSink;
import io.vertx.core.Future;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Submits a validator's Dispute transactions through its own node, signed with the node's key
 * (the same signer as its verdicts: the verticle submits both in one ordered sequence), and keeps
 * every spot-check outcome by delta id for whoever reports them (the demo).
 */
public final class ChainDisputeSink implements DisputeSink {
  private final ChainClient chain;
  private final SerialSubmitter submitter;
  private final Map<String, String> notChecked = new ConcurrentHashMap<>();
  private final Map<String, ReplayOutcome> outcomes = new ConcurrentHashMap<>();

  /** @param submitter the validator's key and its one queue of transactions (verdicts, votes, disputes) */
  public ChainDisputeSink(ChainClient chain, SerialSubmitter submitter) {
    this.chain = chain;
    this.submitter = submitter;
  }

  @Override
  public Future<Void> submit(Dispute dispute) {
    return submitter.submit(signer -> chain.broadcastTxSync(signer.sign(BodyType.DISPUTE, dispute)))
        .compose(r -> r.ok() ? Future.<Void>succeededFuture()
            : Future.failedFuture("Dispute refused at CheckTx: code " + r.code() + " " + r.log()));
  }

  @Override
  public void outcome(CommittedDelta delta, ReplayOutcome outcome) {
    outcomes.put(HexFormat.of().formatHex(delta.deltaId()), outcome);
  }

  @Override
  public void notChecked(CommittedDelta delta, Throwable cause) {
    notChecked.put(HexFormat.of().formatHex(delta.deltaId()), String.valueOf(cause.getMessage()));
  }

  /** The outcome of a delta's spot-check (hex id), or null when none ran. */
  public ReplayOutcome outcome(String deltaIdHex) {
    return outcomes.get(deltaIdHex);
  }

  /** Why a delta was not spot-checked (hex id), or null. */
  public String notChecked(String deltaIdHex) {
    return notChecked.get(deltaIdHex);
  }

  /** Spot-checks finished so far, checked or not. */
  public int finished() {
    return outcomes.size() + notChecked.size();
  }
}
