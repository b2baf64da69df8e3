package io.deltachain.round.lifecycle;

/**
 * One state change of a round.
 *
 * @param state the state entered
 * @param height the block height that caused it (0 for local changes before the chain saw the round)
 * @param reason why, in words
 */
public record Transition(RoundState state, long height, String reason) {}
