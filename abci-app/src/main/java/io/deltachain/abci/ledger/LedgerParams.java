package io.deltachain.abci.ledger;

import io.deltachain.core.tx.TxLimits;
import io.vertx.core.json.JsonObject;

/**
 * Ledger parameters, fixed at genesis from {@code app_state.params} (every field optional).
 * Integers only; reputation is a plain integer score floored at 0 and capped at
 * {@link #maxReputation}.
 *
 * @param initialReputation reputation of a newly registered node
 * @param maxReputation upper bound of any reputation
 * @param rewardAccepted added to a trainer's reputation when its delta is accepted
 * @param penaltyRejected subtracted when its delta is rejected
 * @param penaltyExpired subtracted when its delta expires undecided
 * @param rewardAgreed added to a registered validator whose verdict matched the outcome
 * @param penaltyDisagreed subtracted from a registered validator whose verdict did not
 * @param maxVerdictsPerBatch largest number of verdicts in one VerdictBatch
 * @param maxTxBytes largest transaction accepted
 * @param maxValidatorPower largest voting power one validator may hold via registration
 * @param openCoordinatorRegistration when true any key may register as COORDINATOR (devnets)
 */
public record LedgerParams(
    long initialReputation,
    long maxReputation,
    long rewardAccepted,
    long penaltyRejected,
    long penaltyExpired,
    long rewardAgreed,
    long penaltyDisagreed,
    int maxVerdictsPerBatch,
    int maxTxBytes,
    long maxValidatorPower,
    boolean openCoordinatorRegistration) {

  /** The defaults. */
  public static final LedgerParams DEFAULTS =
      new LedgerParams(1_000, 1_000_000, 10, 50, 5, 1, 2, 4_096, TxLimits.MAX_TX_BYTES, 1_000_000, false);

  /** Validates ranges; throws {@link IllegalArgumentException} naming the bad field. */
  public LedgerParams {
    requireRange("initial_reputation", initialReputation, 0, maxReputation);
    requireRange("max_reputation", maxReputation, 1, 1L << 50);
    requireRange("reward_accepted", rewardAccepted, 0, 1L << 40);
    requireRange("penalty_rejected", penaltyRejected, 0, 1L << 40);
    requireRange("penalty_expired", penaltyExpired, 0, 1L << 40);
    requireRange("reward_agreed", rewardAgreed, 0, 1L << 40);
    requireRange("penalty_disagreed", penaltyDisagreed, 0, 1L << 40);
    requireRange("max_verdicts_per_batch", maxVerdictsPerBatch, 1, 100_000);
    requireRange("max_tx_bytes", maxTxBytes, 1024, TxLimits.COMETBFT_MAX_TX_BYTES);
    requireRange("max_validator_power", maxValidatorPower, 1, 1L << 50);
  }

  private static void requireRange(String name, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException("ledger parameter " + name + " = " + v + " is outside " + min + ".." + max);
    }
  }

  /** Reads {@code app_state.params}; absent fields keep their defaults. */
  public static LedgerParams fromJson(JsonObject p) {
    if (p == null) {
      return DEFAULTS;
    }
    LedgerParams d = DEFAULTS;
    return new LedgerParams(
        longField(p, "initial_reputation", d.initialReputation),
        longField(p, "max_reputation", d.maxReputation),
        longField(p, "reward_accepted", d.rewardAccepted),
        longField(p, "penalty_rejected", d.penaltyRejected),
        longField(p, "penalty_expired", d.penaltyExpired),
        longField(p, "reward_agreed", d.rewardAgreed),
        longField(p, "penalty_disagreed", d.penaltyDisagreed),
        Math.toIntExact(longField(p, "max_verdicts_per_batch", d.maxVerdictsPerBatch)),
        Math.toIntExact(longField(p, "max_tx_bytes", d.maxTxBytes)),
        longField(p, "max_validator_power", d.maxValidatorPower),
        p.getBoolean("open_coordinator_registration", d.openCoordinatorRegistration));
  }

  private static long longField(JsonObject p, String name, long dflt) {
    Object v = p.getValue(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("ledger parameter " + name + " is not an integer: '" + s + "'");
      }
    }
    throw new IllegalArgumentException("ledger parameter " + name + " must be an integer, got " + v);
  }

  /** As JSON (queries and genesis files). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("initial_reputation", initialReputation)
        .put("max_reputation", maxReputation)
        .put("reward_accepted", rewardAccepted)
        .put("penalty_rejected", penaltyRejected)
        .put("penalty_expired", penaltyExpired)
        .put("reward_agreed", rewardAgreed)
        .put("penalty_disagreed", penaltyDisagreed)
        .put("max_verdicts_per_batch", maxVerdictsPerBatch)
        .put("max_tx_bytes", maxTxBytes)
        .put("max_validator_power", maxValidatorPower)
        .put("open_coordinator_registration", openCoordinatorRegistration);
  }

  byte[] encode() {
    return new Canon.Writer(1).i64(initialReputation).i64(maxReputation).i64(rewardAccepted).i64(penaltyRejected)
        .i64(penaltyExpired).i64(rewardAgreed).i64(penaltyDisagreed).i32(maxVerdictsPerBatch).i32(maxTxBytes)
        .i64(maxValidatorPower).bool(openCoordinatorRegistration).toBytes();
  }

  static LedgerParams decode(byte[] b) {
    Canon.Reader r = new Canon.Reader(b, "params", 1);
    return new LedgerParams(r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i32(), r.i32(), r.i64(), r.bool());
  }
}
