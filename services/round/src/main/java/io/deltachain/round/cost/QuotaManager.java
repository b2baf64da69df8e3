package io.deltachain.round.cost;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts requests and round starts per client in fixed windows ({@code epoch millis / window}),
 * against a policy per client or the default one. The clock is injected so tests can move time.
 */
public final class QuotaManager {
  private final Clock clock;
  private final QuotaPolicy defaultPolicy;
  private final Map<String, QuotaPolicy> perClient;
  private final Map<String, Counter> counters = new HashMap<>();

  /** A manager with this default policy, per-client overrides and clock. */
  public QuotaManager(QuotaPolicy defaultPolicy, Map<String, QuotaPolicy> perClient, Clock clock) {
    this.defaultPolicy = defaultPolicy;
    this.perClient = Map.copyOf(perClient);
    this.clock = clock;
  }

  /** The policy that applies to a client. */
  public QuotaPolicy policy(String clientId) {
    return perClient.getOrDefault(clientId, defaultPolicy);
  }

  /** Counts one request if within quota. */
  public synchronized QuotaDecision tryRequest(String clientId) {
    return tryAcquire(clientId, false);
  }

  /** Counts one round start if within quota. */
  public synchronized QuotaDecision tryStartRound(String clientId) {
    return tryAcquire(clientId, true);
  }

  private QuotaDecision tryAcquire(String clientId, boolean round) {
    QuotaPolicy p = policy(clientId);
    long windowMillis = p.window().toMillis();
    long now = clock.millis();
    long window = Math.floorDiv(now, windowMillis);
    Counter c = counters.computeIfAbsent(clientId, k -> new Counter());
    if (c.window != window) {
      c.window = window;
      c.requests = 0;
      c.rounds = 0;
    }
    int max = round ? p.roundsPerWindow() : p.requestsPerWindow();
    int used = round ? c.rounds : c.requests;
    long retry = ((window + 1) * windowMillis - now + 999) / 1000;
    if (used >= max) {
      return new QuotaDecision(false, round ? "rounds" : "requests", max, used, windowMillis / 1000, retry);
    }
    if (round) {
      c.rounds++;
    } else {
      c.requests++;
    }
    return new QuotaDecision(true, round ? "rounds" : "requests", max, used + 1, windowMillis / 1000, 0);
  }

  private static final class Counter {
    long window = Long.MIN_VALUE;
    int requests;
    int rounds;
  }
}
