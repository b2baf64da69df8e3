/**
 * The round lifecycle, driven by chain events: a state machine per round (CREATED, TRAINING,
 * VALIDATING, AGGREGATING, then FINALIZED, FAILED or CANCELLED with a reason), with deadlines
 * in block heights, and the registry of workers (from RegisterNode transactions plus heartbeats
 * on the event bus). Because every transition follows from a chain event, replaying the chain's
 * history into a fresh tracker after a restart rebuilds the same state.
 */
package io.deltachain.round.lifecycle;
