package io.deltachain.launcher.wiring;

import io.deltachain.abci.client.TxSigner;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Function;

/**
 * One signer's transactions, one at a time: each job signs (taking the next nonce) and sends, and
 * the next job starts only when the previous one's answer is in. The ledger refuses a nonce at or
 * below the highest one it has seen from the signer, so two parts of one validator (its verdicts
 * and its checkpoint votes) that signed and sent on their own could overtake each other on the way
 * to the mempool and have the overtaken transaction evicted; through one submitter the mempool
 * gets them in nonce order.
 */
public final class SerialSubmitter {
  private final TxSigner signer;
  private Future<?> last = Future.succeededFuture();

  /** Over the signer every transaction of this key is signed with. */
  public SerialSubmitter(TxSigner signer) {
    this.signer = signer;
  }

  /** The signer (use it only inside a job). */
  public TxSigner signer() {
    return signer;
  }

  /**
   * Runs a job after every earlier one finished: {@code job} signs with the signer and sends.
   *
   * @return the job's result
   */
  public synchronized <T> Future<T> submit(Function<TxSigner, Future<T>> job) {
    Promise<T> done = Promise.promise();
    last = last.transform(ignored -> {
      Future<T> f;
      try {
        synchronized (signer) {
          f = job.apply(signer);
        }
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(done);
      return f.transform(x -> Future.succeededFuture());
    });
    return done.future();
  }
}
