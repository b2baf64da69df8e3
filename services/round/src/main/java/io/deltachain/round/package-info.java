/**
 * The round service: it turns a client's request into a planned, sharded, PII-filtered round
 * recorded on chain, follows the round through its life from chain events, replaces trainers
 * that go silent, accounts for what the round costs, and serves it all over an HTTP API
 * described by an OpenAPI document. {@link io.deltachain.round.RoundServiceVerticle} wires the
 * parts; {@link io.deltachain.round.RoundMain} runs it standalone.
 */
package io.deltachain.round;
