/**
 * Training data: text, JSONL and Europarl loaders, byte-level and Hugging Face tokenizers,
 * packing into fixed-length sequences, and deterministic shuffling and sharding derived from
 * (dataset hash, round seed, shard index).
 */
package io.deltachain.trainer.data;
