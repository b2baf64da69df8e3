package io.deltachain.round.lifecycle;

import io.deltachain.core.tx.proto.NodeRole;

/**
 * A node known from its RegisterNode transaction, with when it was last heard from.
 *
 * @param address its 20-byte address, hex
 * @param role trainer, validator or coordinator
 * @param moniker its name
 * @param device the device it reported
 * @param memoryBytes accelerator memory
 * @param tokensPerSecond the throughput it reported (its own benchmark)
 * @param gpuClass the price class
 * @param registeredHeight the height its registration committed at
 * @param lastSeenMillis the last heartbeat (or the registration, if none yet), on the service's clock
 */
public record RegisteredWorker(
    String address,
    NodeRole role,
    String moniker,
    String device,
    long memoryBytes,
    double tokensPerSecond,
    String gpuClass,
    long registeredHeight,
    long lastSeenMillis) {

  /** This worker, last seen at {@code millis}. */
  public RegisteredWorker seenAt(long millis) {
    return new RegisteredWorker(address, role, moniker, device, memoryBytes, tokensPerSecond, gpuClass,
        registeredHeight, Math.max(lastSeenMillis, millis));
  }
}
