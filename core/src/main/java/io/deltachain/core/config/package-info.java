/**
 * Typed configuration for every deltachain process: a {@link io.deltachain.core.config.ConfigLoader}
 * merges an optional JSON file, environment variables ({@code DELTACHAIN_} + the upper-snake
 * dotted key) and explicit overrides into one {@link io.vertx.core.json.JsonObject}, and small
 * immutable records ({@link io.deltachain.core.config.NodeConfig},
 * {@link io.deltachain.core.config.CometConfig}, ...) read it through a
 * {@link io.deltachain.core.config.ConfigReader} that collects every problem, so a bad
 * configuration fails the start once, with one message that names each bad key.
 */
package io.deltachain.core.config;
