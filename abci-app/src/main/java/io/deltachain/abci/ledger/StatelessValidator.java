package io.deltachain.abci.ledger;

import io.deltachain.core.content.ContentHash;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the stateless {@link TxRule}s (size, envelope, chain id, signature, body schema) and
 * remembers each outcome by transaction hash, so a transaction checked in CheckTx is not
 * verified again in ProcessProposal and FinalizeBlock. The outcome depends only on the bytes,
 * the chain id and the parameters, which are fixed after genesis, so caching is safe.
 */
public final class StatelessValidator {
  private final List<TxRule> rules;
  private final Map<ByteBuffer, Outcome> cache;
  /** Bumped by {@link #clear()}: outcomes computed under an older generation are not cached. */
  private long generation;

  /** The outcome: a parsed transaction, or the first failing rule's result. */
  public record Outcome(ValidationResult result, ParsedTx tx) {
    public boolean ok() {
      return result.ok();
    }
  }

  StatelessValidator(Supplier<String> chainId, Supplier<LedgerParams> params, int cacheEntries) {
    this.rules = List.of(
        tx -> StatelessRules.size(params.get().maxTxBytes()).check(tx),
        StatelessRules.envelope(),
        StatelessRules.chainId(chainId),
        StatelessRules.signature(),
        StatelessRules.body(params));
    this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Outcome> eldest) {
        return size() > cacheEntries;
      }
    };
  }

  /** Checks raw transaction bytes; thread-safe (CheckTx prechecks run on a pool). */
  public Outcome check(byte[] raw) {
    byte[] hash = ContentHash.sha256(raw).bytes();
    ByteBuffer key = ByteBuffer.wrap(hash);
    long gen;
    synchronized (this) {
      Outcome cached = cache.get(key);
      if (cached != null) {
        return cached;
      }
      gen = generation;
    }
    TxRule.Candidate c = new TxRule.Candidate(raw, hash);
    Outcome outcome = null;
    for (TxRule rule : rules) {
      ValidationResult r = rule.check(c);
      if (!r.ok()) {
        outcome = new Outcome(r, null);
        break;
      }
    }
    if (outcome == null) {
      outcome = new Outcome(ValidationResult.OK, c.toParsed());
    }
    // Size failures are cheap to recompute and would fill the cache with junk keys.
    if (outcome.result().code() != TxCode.TOO_LARGE) {
      synchronized (this) {
        if (gen == generation) {
          cache.put(key, outcome);
        }
      }
    }
    return outcome;
  }

  /** Checks many transactions on the common pool (block replay, proposals from peers); results in order. */
  public List<Outcome> checkAll(List<byte[]> raws) {
    return raws.size() < 4 ? raws.stream().map(this::check).toList() : raws.parallelStream().map(this::check).toList();
  }

  /** Forgets cached outcomes (after the chain id becomes known at InitChain). */
  public synchronized void clear() {
    cache.clear();
    generation++;
  }
}
