/**
 * {@code deltachain node}: one JVM running the roles an operator chooses (validator service,
 * trainer, round service, delta store, abci-app) from a configuration file and flags, joined to
 * the Hazelcast cluster and talking to an existing CometBFT node.
 */
package io.deltachain.launcher.node;
