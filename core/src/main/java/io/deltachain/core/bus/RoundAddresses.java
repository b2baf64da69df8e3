package io.deltachain.core.bus;

/**
 * Event-bus addresses of the round service's API. Services may override any of them through
 * configuration (see {@link BusAddresses#resolve}).
 */
public final class RoundAddresses {
  /** Published {@link RoundStarted} once the chain has committed a round's {@code StartRound}. */
  public static final String ROUND_STARTED = "round.round.started";
  /** Published {@link RoundFinalized} once the chain has committed a round's {@code FinalizeRound}. */
  public static final String ROUND_FINALIZED = "round.round.finalized";

  private RoundAddresses() {}
}
