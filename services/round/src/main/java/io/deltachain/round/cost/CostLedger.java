package io.deltachain.round.cost;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accumulates each round's GPU time by class, stored bytes and transferred bytes, and prices
 * them with {@link GpuPrices}. Storage is priced for a configured retention period, since a
 * round's deltas and checkpoints stay stored after it ends.
 */
public final class CostLedger {
  private final GpuPrices prices;
  private final long retentionSeconds;
  private final Map<String, Account> accounts = new HashMap<>();

  /**
   * A ledger pricing with these prices and storage kept for {@code retentionSeconds}.
   *
   * @throws IllegalArgumentException for a negative retention
   */
  public CostLedger(GpuPrices prices, long retentionSeconds) {
    if (retentionSeconds < 0) {
      throw new IllegalArgumentException("retention must not be negative");
    }
    this.prices = prices;
    this.retentionSeconds = retentionSeconds;
  }

  /** The prices. */
  public GpuPrices prices() {
    return prices;
  }

  /** Adds GPU time on one class. */
  public synchronized void recordGpuTime(String roundId, String gpuClass, long millis) {
    requireNonNegative(millis, "GPU time");
    account(roundId).gpuMillis.merge(gpuClass == null ? "unknown" : gpuClass, millis, Math::addExact);
  }

  /** Adds bytes stored. */
  public synchronized void recordStored(String roundId, long bytes) {
    requireNonNegative(bytes, "stored bytes");
    Account a = account(roundId);
    a.stored = Math.addExact(a.stored, bytes);
  }

  /** Adds bytes transferred. */
  public synchronized void recordTransferred(String roundId, long bytes) {
    requireNonNegative(bytes, "transferred bytes");
    Account a = account(roundId);
    a.transferred = Math.addExact(a.transferred, bytes);
  }

  /** The round's cost so far (zero for a round with nothing recorded). */
  public synchronized RoundCost cost(String roundId) {
    Account a = accounts.getOrDefault(roundId, new Account());
    Map<String, Long> gpuCost = new TreeMap<>();
    a.gpuMillis.forEach((cls, ms) -> gpuCost.put(cls, prices.gpuTime(cls, ms)));
    return new RoundCost(roundId, a.gpuMillis, gpuCost, a.stored, prices.storage(a.stored, retentionSeconds),
        a.transferred, prices.transfer(a.transferred));
  }

  private Account account(String roundId) {
    return accounts.computeIfAbsent(roundId, k -> new Account());
  }

  private static void requireNonNegative(long v, String what) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " must not be negative, got " + v);
    }
  }

  private static final class Account {
    final Map<String, Long> gpuMillis = new TreeMap<>();
    long stored;
    long transferred;
  }
}
