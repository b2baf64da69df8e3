/**
 * The operator dashboard served by the round service: the static page under
 * {@code webroot/dashboard} in the jar, its JSON snapshot and its server-sent event stream,
 * joining the service's rounds and workers, trainers' progress and heartbeats from the event bus,
 * and the ledger's verdicts, lineage, reputations and validator set. See docs/dashboard.md.
 */
package io.deltachain.round.dashboard;
