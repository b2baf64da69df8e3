package io.deltachain.round.lifecycle;

import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.RegisterNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Nodes from RegisterNode transactions, kept alive by heartbeats. A node not heard from within
 * the timeout is stale; the round service then replaces it in its assignments. Registration
 * counts as being heard from, so after a restart every replayed node gets one timeout to send
 * a heartbeat. The clock is injected so tests control time.
 */
public final class WorkerRegistry implements ChainEvents {
  private final Clock clock;
  private final Duration timeout;
  private final Map<String, RegisteredWorker> workers = new TreeMap<>();

  /**
   * A registry judging staleness by this clock and timeout.
   *
   * @throws IllegalArgumentException for a non-positive timeout
   */
  public WorkerRegistry(Clock clock, Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("heartbeat timeout must be positive, got " + timeout);
    }
    this.clock = clock;
    this.timeout = timeout;
  }

  /** The heartbeat timeout. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public synchronized void onNodeRegistered(long height, String address, RegisterNode reg) {
    RegisteredWorker previous = workers.get(address);
    long seen = clock.millis();
    workers.put(address, new RegisteredWorker(address, reg.getRole(), reg.getMoniker(),
        reg.getCapabilities().getDevice(), reg.getCapabilities().getMemoryBytes(),
        reg.getCapabilities().getTokensPerSecondMilli() / 1000.0, reg.getCapabilities().getGpuClass(), height,
        previous == null ? seen : Math.max(seen, previous.lastSeenMillis())));
  }

  /**
   * Records a heartbeat.
   *
   * @return false for an address that never registered (its heartbeat is ignored)
   */
  public synchronized boolean heartbeat(String address) {
    RegisteredWorker w = workers.get(address);
    if (w == null) {
      return false;
    }
    workers.put(address, w.seenAt(clock.millis()));
    return true;
  }

  /** A node by address. */
  public synchronized Optional<RegisteredWorker> get(String address) {
    return Optional.ofNullable(workers.get(address));
  }

  /** Whether the node was heard from within the timeout. */
  public synchronized boolean alive(String address) {
    RegisteredWorker w = workers.get(address);
    return w != null && clock.millis() - w.lastSeenMillis() <= timeout.toMillis();
  }

  /** Every node, by address. */
  public synchronized List<RegisteredWorker> all() {
    return List.copyOf(workers.values());
  }

  /** Trainers heard from within the timeout, by address. */
  public synchronized List<RegisteredWorker> aliveTrainers() {
    long now = clock.millis();
    return workers.values().stream()
        .filter(w -> w.role() == NodeRole.TRAINER && now - w.lastSeenMillis() <= timeout.toMillis())
        .toList();
  }
}
