/**
 * Event-bus contracts shared by every service: address constants (one class per service API,
 * dot-namespaced, overridable through {@link io.deltachain.core.bus.BusAddresses}), immutable
 * message records with JSON codecs ({@link io.deltachain.core.bus.Codecs}), and the
 * Hazelcast-clustered Vert.x factory ({@link io.deltachain.core.bus.ClusterFactory},
 * {@link io.deltachain.core.bus.ClusterOptions}) that joins over TCP with explicit members
 * and needs no {@code cluster.xml}. The bus carries coordination only; tensors never travel
 * on it.
 */
package io.deltachain.core.bus;
