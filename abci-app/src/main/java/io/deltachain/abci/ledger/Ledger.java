package io.deltachain.abci.ledger;

import io.deltachain.abci.ledger.Records.CheckpointRecord;
import io.deltachain.abci.ledger.Records.DeltaRecord;
import io.deltachain.abci.ledger.Records.NodeRecord;
import io.deltachain.abci.ledger.Records.RoundRecord;
import io.deltachain.abci.ledger.Records.ValidatorRecord;
import io.deltachain.abci.ledger.Records.VerdictRecord;
import io.deltachain.core.crypto.NodeKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Typed access to the ledger state over a {@link Kv} (committed, staged or CheckTx view), and
 * the ledger's arithmetic: voting-power thresholds and reputation. Everything here is
 * deterministic: sorted maps, exact integer arithmetic, no clock.
 */
final class Ledger {
  /** Lineage walks stop here; a longer chain is treated as "not an ancestor". */
  static final int MAX_LINEAGE_DEPTH = 100_000;

  final Kv kv;
  private LedgerParams params;
  private TreeMap<String, ValidatorRecord> validators;
  /** Validator updates of the current block, by address (the last update per key wins). */
  private final TreeMap<String, ValidatorRecord> validatorUpdates = new TreeMap<>();

  Ledger(Kv kv) {
    this.kv = kv;
  }

  // ---------------------------------------------------------------- chain and parameters

  String chainId() {
    byte[] b = kv.get(Keys.CHAIN_ID);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  LedgerParams params() {
    if (params == null) {
      byte[] b = kv.get(Keys.PARAMS);
      params = b == null ? LedgerParams.DEFAULTS : LedgerParams.decode(b);
    }
    return params;
  }

  void putParams(LedgerParams p) {
    kv.put(Keys.PARAMS, p.encode());
    params = p;
  }

  boolean coordinatorAllowed(byte[] address) {
    return params().openCoordinatorRegistration() || kv.has(Keys.coordinatorAllow(address));
  }

  /** The largest power this address may request by registration, or 0. */
  long validatorAllowance(byte[] address) {
    byte[] b = kv.get(Keys.validatorAllow(address));
    return b == null ? 0 : new Canon.Reader(b, "allowance", 1).i64();
  }

  // ---------------------------------------------------------------- validators

  /** The ledger's validator set, by uppercase hex address. */
  SortedMap<String, ValidatorRecord> validators() {
    if (validators == null) {
      validators = new TreeMap<>();
      for (Map.Entry<String, byte[]> e : kv.scan("val/").entrySet()) {
        validators.put(e.getKey().substring(4), ValidatorRecord.decode(e.getValue()));
      }
    }
    return validators;
  }

  /** The validator's power, or 0 when not in the set. */
  long power(byte[] address) {
    ValidatorRecord v = validators().get(Keys.addr(address));
    return v == null ? 0 : v.power;
  }

  long totalPower() {
    long total = 0;
    for (ValidatorRecord v : validators().values()) {
      total = Math.addExact(total, v.power);
    }
    return total;
  }

  /** Sets a validator's power (0 removes it) and records the update for CometBFT. */
  void setValidatorPower(byte[] pubKey, long power) {
    byte[] address = NodeKey.addressOf(pubKey);
    String key = Keys.validator(address);
    ValidatorRecord r = new ValidatorRecord(pubKey.clone(), power);
    if (power == 0) {
      kv.delete(key);
      validators().remove(Keys.addr(address));
    } else {
      kv.put(key, r.encode());
      validators().put(Keys.addr(address), r);
    }
    validatorUpdates.put(Keys.addr(address), r);
  }

  /** This block's validator updates, one per key, in address order. */
  SortedMap<String, ValidatorRecord> validatorUpdates() {
    return validatorUpdates;
  }

  /** More than two thirds: {@code part * 3 > total * 2}. */
  static boolean supermajority(long part, long total) {
    return total > 0 && Math.multiplyExact(part, 3) > Math.multiplyExact(total, 2);
  }

  /** At least one third: {@code part * 3 >= total}. */
  static boolean blockingThird(long part, long total) {
    return total > 0 && Math.multiplyExact(part, 3) >= total;
  }

  // ---------------------------------------------------------------- nodes, nonces

  NodeRecord node(byte[] address) {
    byte[] b = kv.get(Keys.node(address));
    return b == null ? null : NodeRecord.decode(b);
  }

  void putNode(byte[] address, NodeRecord n) {
    kv.put(Keys.node(address), n.encode());
  }

  long nonce(byte[] address) {
    byte[] b = kv.get(Keys.nonce(address));
    return b == null ? 0 : new Canon.Reader(b, "nonce", 1).i64();
  }

  void setNonce(byte[] address, long nonce) {
    kv.put(Keys.nonce(address), new Canon.Writer(1).i64(nonce).toBytes());
  }

  /**
   * Adds {@code change} (may be negative) to a registered node's reputation, saturating at 0
   * and {@code max_reputation}; no-op for unregistered addresses.
   */
  void adjustReputation(byte[] address, long change) {
    NodeRecord n = node(address);
    if (n == null) {
      return;
    }
    long max = params().maxReputation();
    long next;
    try {
      next = Math.addExact(n.reputation, change);
    } catch (ArithmeticException overflow) {
      next = change > 0 ? max : 0;
    }
    n.reputation = Math.max(0, Math.min(max, next));
    putNode(address, n);
  }

  // ---------------------------------------------------------------- rounds, deltas, verdicts

  RoundRecord round(String id) {
    byte[] b = kv.get(Keys.round(id));
    return b == null ? null : RoundRecord.decode(b);
  }

  void putRound(RoundRecord r) {
    kv.put(Keys.round(r.roundId), r.encode());
  }

  DeltaRecord delta(byte[] id) {
    byte[] b = kv.get(Keys.delta(id));
    return b == null ? null : DeltaRecord.decode(b);
  }

  void putDelta(DeltaRecord d) {
    kv.put(Keys.delta(d.id), d.encode());
  }

  VerdictRecord verdict(byte[] deltaId, byte[] validator) {
    byte[] b = kv.get(Keys.verdict(deltaId, validator));
    return b == null ? null : VerdictRecord.decode(b);
  }

  // ---------------------------------------------------------------- checkpoints, heads

  CheckpointRecord checkpoint(byte[] hash) {
    byte[] b = kv.get(Keys.checkpoint(hash));
    return b == null ? null : CheckpointRecord.decode(b);
  }

  void putCheckpoint(CheckpointRecord c) {
    kv.put(Keys.checkpoint(c.hash), c.encode());
  }

  /** The layer's head checkpoint hash, or null before its first accepted checkpoint. */
  byte[] head(String layer) {
    return kv.get(Keys.head(layer));
  }

  /**
   * The hash a new checkpoint or delta of {@code layer} must build on: the head, else the
   * round's declared base checkpoint, else null (anything goes for a layer's first round).
   */
  byte[] expectedBase(String layer, RoundRecord round) {
    byte[] head = head(layer);
    if (head != null) {
      return head;
    }
    return round == null ? null : round.baseCheckpoints.get(layer);
  }

  /** Moves a layer's head and clears that layer's pending rollback votes. */
  void setHead(String layer, byte[] hash) {
    kv.put(Keys.head(layer), hash.clone());
    for (String k : kv.scan("rbvote/" + layer + "/").keySet()) {
      kv.delete(k);
    }
  }

  /** True when {@code target} is a strict ancestor of {@code from} in the checkpoint lineage. */
  boolean isAncestor(byte[] from, byte[] target) {
    CheckpointRecord c = checkpoint(from);
    for (int depth = 0; c != null && depth < MAX_LINEAGE_DEPTH; depth++) {
      if (c.parent == null || c.parent.length == 0) {
        return false;
      }
      if (Arrays.equals(c.parent, target)) {
        return true;
      }
      c = checkpoint(c.parent);
    }
    return false;
  }
}
