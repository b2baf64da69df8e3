/**
 * The round service's view of the chain: {@link io.deltachain.round.chain.RoundChain} submits
 * transactions and answers queries, and delivers committed events to
 * {@link io.deltachain.round.lifecycle.ChainEvents} listeners, live and replayed from the start.
 * The launcher wires it to the real CometBFT client; {@link io.deltachain.round.chain.InMemoryRoundChain}
 * is an honest stand-in that really stores blocks and answers from them.
 */
package io.deltachain.round.chain;
