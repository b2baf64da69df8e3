/**
 * Training data: datasets registered by content hash, deterministic shuffling and sharding
 * derived from chain data (so every node computes the same shards), and the personal-data
 * filter that runs over every document before a trainer sees it.
 */
package io.deltachain.round.data;
