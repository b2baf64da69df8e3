/**
 * The chain transaction schema: the signed {@link io.deltachain.core.tx.proto.TxEnvelope}
 * and its bodies (generated from {@code src/main/proto/deltachain/tx.proto}), signing and
 * verification ({@link io.deltachain.core.tx.TxEnvelopes}), the body-type table and
 * transaction hashes ({@link io.deltachain.core.tx.Txs}), the stateless CheckTx rules
 * ({@link io.deltachain.core.tx.TxValidator}, returning a
 * {@link io.deltachain.core.tx.ValidationResult} with stable reason codes) and size limits.
 */
package io.deltachain.core.tx;
