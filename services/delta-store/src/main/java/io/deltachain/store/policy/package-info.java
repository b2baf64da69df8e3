/**
 * Composition of stores: replication, read-through caching, and the inline threshold for small deltas.
 */
package io.deltachain.store.policy;
