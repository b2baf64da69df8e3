/**
 * Talking to the chain from Java services: {@link io.deltachain.abci.client.ChainClient}
 * (CometBFT JSON-RPC: broadcast, query, status, websocket events with reconnection) and
 * {@link io.deltachain.abci.client.TxSigner} (signed transactions with increasing nonces).
 */
package io.deltachain.abci.client;
