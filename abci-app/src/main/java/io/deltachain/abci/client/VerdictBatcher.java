package io.deltachain.abci.client;

import io.deltachain.core.tx.proto.Verdict;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a validator's verdicts and sends them as one VerdictBatch per block: the client
 * side of the ledger's batching rule, which keeps chain load proportional to the number of
 * validators rather than validators times deltas. At most one batch is in flight, so nonces
 * reach the node in order; verdicts of a batch that could not be delivered are queued again.
 */
public final class VerdictBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VerdictBatcher.class);

  private final ChainClient client;
  private final TxSigner signer;
  private final int maxPerBatch;
  private final List<Verdict> pending = new ArrayList<>();
  private boolean inFlight;
  private long batchesSent;
  private EventSubscription blocks;

  /**
   * @param signer the validator's consensus-key signer
   * @param maxPerBatch the ledger's {@code max_verdicts_per_batch}
   */
  public VerdictBatcher(ChainClient client, TxSigner signer, int maxPerBatch) {
    if (maxPerBatch < 1) {
      throw new IllegalArgumentException("maxPerBatch must be positive");
    }
    this.client = client;
    this.signer = signer;
    this.maxPerBatch = maxPerBatch;
  }

  /** Queues verdicts for the next batch. */
  public synchronized void addAll(Collection<Verdict> verdicts) {
    pending.addAll(verdicts);
  }

  /** Queues one verdict. */
  public synchronized void add(Verdict verdict) {
    pending.add(verdict);
  }

  /** Verdicts waiting for a batch. */
  public synchronized int pending() {
    return pending.size();
  }

  /** Batches sent so far. */
  public synchronized long batchesSent() {
    return batchesSent;
  }

  /**
   * Sends up to {@code maxPerBatch} queued verdicts as one VerdictBatch with
   * {@code broadcast_tx_sync}; succeeds with null when nothing is queued or a batch is
   * already in flight. A refused batch (e.g. every delta already decided) is dropped with a
   * log line; an undelivered one is queued again.
   */
  public Future<ChainClient.BroadcastResult> flush() {
    List<Verdict> batch;
    byte[] tx;
    synchronized (this) {
      if (inFlight || pending.isEmpty()) {
        return Future.succeededFuture();
      }
      int n = Math.min(maxPerBatch, pending.size());
      batch = new ArrayList<>(pending.subList(0, n));
      pending.subList(0, n).clear();
      tx = signer.verdicts(batch);
      inFlight = true;
      batchesSent++;
    }
    return client.broadcastTxSync(tx).onComplete(ar -> {
      synchronized (this) {
        inFlight = false;
        if (ar.failed()) {
          pending.addAll(0, batch);
          batchesSent--;
          LOG.warn("verdict batch of {} not delivered, will retry: {}", batch.size(), ar.cause().getMessage());
        } else if (!ar.result().ok()) {
          LOG.warn("verdict batch of {} refused with code {}: {}", batch.size(), ar.result().code(), ar.result().log());
        }
      }
    });
  }

  /** Flushes once per new block header from now on. */
  public synchronized VerdictBatcher flushEveryBlock() {
    if (blocks == null) {
      blocks = client.subscribe("tm.event='NewBlockHeader'", e -> flush());
    }
    return this;
  }

  /** True once the per-block subscription is connected. */
  public synchronized boolean subscribed() {
    return blocks != null && blocks.connected();
  }

  @Override
  public synchronized void close() {
    if (blocks != null) {
      blocks.close();
      blocks = null;
    }
  }
}
