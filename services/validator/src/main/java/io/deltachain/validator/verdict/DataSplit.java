package io.deltachain.validator.verdict;

/**
 * Which examples a loss is measured on. The evaluator that resolves a split into examples
 * belongs to the trainer module (it knows the dataset and the model); every split is derived
 * deterministically from chain data, so every validator measures on the same examples.
 */
public sealed interface DataSplit {

  /**
   * The round's evaluation set, derived from the seed fixed on chain before training.
   *
   * @param seed the round's eval seed
   */
  record EvalSet(long seed) implements DataSplit {}

  /**
   * A trainer's assigned shard of the training data.
   *
   * @param shardIndex the shard
   */
  record AssignedShard(int shardIndex) implements DataSplit {}

  /**
   * Random training data outside the given shard, for Templar's comparison. The seed must come
   * from chain data the trainer could not choose (e.g. the hash of the block that committed the
   * delta), so a trainer cannot pre-fit the sample.
   *
   * @param seed sample seed
   * @param size number of examples
   * @param excludedShard shard whose examples are left out
   */
  record RandomSample(long seed, int size, int excludedShard) implements DataSplit {}
}
