/**
 * Adapters from the services' small interfaces to the real parts: the validator's chain feed,
 * verdict and dispute sinks (through one SerialSubmitter per validator key), delta and replay
 * fetchers, round contexts, loss evaluator, DJL segment re-executor and checkpoint aggregator; the
 * trainer's chain client, uploader and the bridge that turns the round service's task offers into
 * its tasks; the round service's chain on CometBFT ({@link io.deltachain.launcher.wiring.CometRoundChain}).
 * They live in the launcher because it is the only module that sees every other one.
 */
package io.deltachain.launcher.wiring;
