package io.deltachain.round.chain;

import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.round.lifecycle.ChainEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What the round service needs from the chain. Submissions complete once the transaction is
 * committed (or fail with {@link ChainRejectedException} naming the ledger's reason); events are
 * delivered on the listener's side in block order.
 */
public interface RoundChain {
  /** Submits a StartRound signed by the coordinator's key. */
  Future<TxReceipt> submitStartRound(StartRound start);

  /**
   * Submits a delta on behalf of an external trainer (the HTTP {@code submit_delta} endpoint).
   * Only a chain that trusts the coordinator to speak for trainers can do this; a real chain
   * credits a delta to whoever signed it, so there this fails with
   * {@link SignatureRequiredException} and the trainer sends a signed transaction instead
   * ({@link #submitSignedDelta}).
   *
   * @param trainerAddress the trainer's address, hex; the coordinator relays, the trainer is credited
   */
  Future<TxReceipt> submitDelta(String trainerAddress, SubmitDelta delta);

  /**
   * Relays a SubmitDelta transaction the trainer signed itself (a serialized {@code TxEnvelope});
   * the receipt's hash is the delta's id.
   */
  Future<TxReceipt> submitSignedDelta(byte[] signedTx);

  /** Submits a FinalizeRound (a reason starting with "cancelled" cancels the round). */
  Future<TxReceipt> submitFinalize(FinalizeRound finalize);

  /** The latest committed height. */
  Future<Long> latestHeight();

  /** A layer's checkpoints, oldest first. */
  Future<List<LineageEntry>> lineage(String layer);

  /** The current head checkpoint of every layer that has one, hex, by layer. */
  Future<Map<String, String>> heads();

  /**
   * Delivers every committed event from height 1 to the listener, then keeps delivering new ones
   * as they commit. The future completes with the height the replay reached.
   */
  Future<Long> replayAndSubscribe(ChainEvents listener);

  /**
   * A ledger query's JSON answer, for the paths of the ABCI app ({@code /delta/<id>} with its
   * verdicts, {@code /checkpoint/<hash>}, {@code /layer/<name>/lineage}, {@code /node/<address>},
   * {@code /validators}). The operator dashboard reads through it; a chain that keeps no ledger
   * (the in-memory one) fails, and the dashboard shows what the round service itself knows.
   */
  default Future<JsonObject> query(String path) {
    return Future.failedFuture(new UnsupportedOperationException("this chain answers no ledger queries (" + path + ")"));
  }

  /**
   * The network as far as this chain can tell: {@code height} always; a chain on a real node adds
   * {@code chain_id}, {@code app_hash}, {@code block_time} and {@code validators} ({@code address},
   * {@code power}) with {@code total_power}.
   */
  default Future<JsonObject> networkStatus() {
    return latestHeight().compose(h -> query("/validators")
        .map(v -> v.copy().put("height", h))
        .recover(e -> Future.succeededFuture(new JsonObject().put("height", h))));
  }
}
