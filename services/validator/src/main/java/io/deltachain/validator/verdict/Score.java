package io.deltachain.validator.verdict;

/**
 * The fixed-point score (micro units, a {@code long}) an accepted delta earns; it feeds the
 * trainer's reputation and reward weight on chain.
 *
 * <p><b>The exploit this avoids.</b> A score built as a product (or ratio) of signed
 * measurements is positive when two of them are negative: a delta that makes the loss worse
 * <i>and</i> points against the consensus direction has gain &lt; 0 and cosine &lt; 0, and
 * {@code gain * cosine} is then a large positive number. On Templar (Bittensor subnet 3) exactly
 * this negative-times-negative turned harmful contributions into near-total weight once scores
 * were normalised across peers.
 *
 * <p><b>How this formula avoids it.</b>
 * <ul>
 *   <li>Every factor is clamped to its non-negative range <i>before</i> it is multiplied:
 *       {@code gain+ = clamp(evalGain, 0, MAX_GAIN)}, {@code cos+ = clamp(cosine, 0, 1)}. A
 *       product of non-negative factors is non-negative and is positive only if every factor
 *       is; no pair of bad signs can cancel.</li>
 *   <li>{@code score = gain+ * cos+ / 1e6}, all in {@code long} with bounded factors
 *       ({@code MAX_GAIN * 1e6 < 2^63}), so nothing overflows into a sign flip.</li>
 *   <li>A rejected delta scores 0, whatever it measured; the ledger floors scores at 0 too.</li>
 *   <li>There is no division by a measured quantity that could be negative or tiny.</li>
 * </ul>
 */
public final class Score {
  /** Gain cap: 1000 nats in micro-nats. Bounds the product and any single delta's weight. */
  public static final long MAX_GAIN_MICRO = 1_000_000_000L;

  private static final long ONE_PPM = 1_000_000L;

  private Score() {}

  /** The score of an accepted delta with the given evidence; 0 if nothing positive was measured. */
  public static long of(Evidence e) {
    long gain = clamp(e.evalGainMicro().orElse(0), 0, MAX_GAIN_MICRO);
    long cos = clamp(e.consensusCosinePpm().orElse(ONE_PPM), 0, ONE_PPM);
    return gain * cos / ONE_PPM;
  }

  static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
