/**
 * The chain transaction schema: the signed {@link io.deltachain.core.tx.proto.TxEnvelope}
 * and its bodies (generated from {@code src/main/proto/deltachain/tx.proto}), signing and
 * verification, and size limits.
 */
package io.deltachain.core.tx;
