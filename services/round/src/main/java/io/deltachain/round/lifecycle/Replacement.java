package io.deltachain.round.lifecycle;

/**
 * A trainer taken off an assignment because its heartbeat stopped, and who took over.
 *
 * @param roundId the round
 * @param assignmentIndex the assignment
 * @param shardIndex its data shard
 * @param firstLayer first layer of its span
 * @param lastLayer last layer of its span
 * @param from the trainer that stopped
 * @param to the replacement, or empty when no capable worker was free
 * @param reason what happened, in words
 */
public record Replacement(
    String roundId, int assignmentIndex, int shardIndex, int firstLayer, int lastLayer, String from, String to,
    String reason) {
  /** Whether a replacement was found. */
  public boolean replaced() {
    return !to.isEmpty();
  }
}
