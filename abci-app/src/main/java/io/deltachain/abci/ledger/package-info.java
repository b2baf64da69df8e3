/**
 * The deltachain ledger: a deterministic state machine over sorted key/value state
 * (registered nodes, validators, rounds, deltas and verdicts, checkpoints and layer heads,
 * nonces, disputes), its transaction rules ({@link io.deltachain.abci.ledger.TxCode},
 * stateless {@link io.deltachain.abci.ledger.TxRule}s, per-body handlers), its RFC 6962 app
 * hash ({@link io.deltachain.abci.ledger.MerkleTree}) and its ABCI application
 * ({@link io.deltachain.abci.ledger.LedgerApp}).
 */
package io.deltachain.abci.ledger;
