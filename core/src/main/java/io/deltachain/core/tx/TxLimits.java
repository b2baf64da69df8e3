package io.deltachain.core.tx;

/**
 * Size limits for chain transactions, set against CometBFT's defaults.
 *
 * <ul>
 *   <li>{@code mempool.max_tx_bytes} = 1,048,576 bytes: CometBFT rejects larger transactions.
 *   <li>{@code rpc.max_body_bytes} = 1,000,000 bytes for the JSON-RPC request; the transaction
 *       travels base64-encoded (4/3 inflation) inside about 100 bytes of JSON, so a transaction
 *       submitted over RPC must stay under about 749,900 bytes.
 * </ul>
 *
 * deltachain caps a whole envelope at {@link #MAX_TX_BYTES} so it passes both limits, and
 * lets a delta ride inline only below {@link #INLINE_DELTA_MAX_BYTES}, which leaves room for
 * the envelope (signature, key, nonce, chain id, metadata fields: under 1 KiB).
 */
public final class TxLimits {
  /** CometBFT's default {@code mempool.max_tx_bytes}. */
  public static final int COMETBFT_MAX_TX_BYTES = 1_048_576;
  /** CometBFT's default {@code rpc.max_body_bytes}. */
  public static final int COMETBFT_RPC_MAX_BODY_BYTES = 1_000_000;
  /** The largest envelope deltachain accepts (fits base64 in a default RPC body). */
  public static final int MAX_TX_BYTES = 720 * 1024;
  /** The largest delta file carried inline in a SubmitDelta transaction. */
  public static final int INLINE_DELTA_MAX_BYTES = 704 * 1024;

  private TxLimits() {}
}
