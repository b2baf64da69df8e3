package io.deltachain.launcher.wiring;

import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.deltachain.trainer.service.ChainClient;
import io.vertx.core.Future;

/**
 * The trainer's view of the chain over the abci-app's {@link io.deltachain.abci.client.ChainClient}:
 * the next nonce from the ledger's {@code /nonce} query, broadcasts through {@code broadcast_tx_sync}
 * (a CheckTx refusal fails the future with the ledger's code and log).
 */
public final class TrainerChainAdapter implements ChainClient {
  private final io.deltachain.abci.client.ChainClient chain;

  /** Over one node's RPC. */
  public TrainerChainAdapter(io.deltachain.abci.client.ChainClient chain) {
    this.chain = chain;
  }

  @Override
  public Future<Long> nextNonce(byte[] publicKey) {
    return chain.lastNonce(NodeKey.addressOf(publicKey)).map(n -> n + 1);
  }

  @Override
  public Future<String> broadcast(TxEnvelope tx) {
    return chain.broadcastTxSync(tx.toByteArray()).compose(r -> r.ok() ? Future.succeededFuture(r.hash())
        : Future.failedFuture("transaction refused at CheckTx: code " + r.code() + " " + r.log()));
  }
}
