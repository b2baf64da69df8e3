package io.deltachain.round.lifecycle;

import java.util.List;

/**
 * One assignment of a round: who trains which layers on which shard, and who replaced whom.
 *
 * @param index the assignment's position in the StartRound transaction
 * @param trainer the trainer now responsible (the replacement, if any), hex address
 * @param originalTrainer the trainer the chain assigned
 * @param firstLayer first layer, inclusive
 * @param lastLayer last layer, inclusive
 * @param mode FULL, LORA, QLORA or STAGED
 * @param loraRank the LoRA rank, 0 for dense
 * @param shardIndex the data shard
 * @param precision the base precision ({@code bf16}, {@code nf4}, ...)
 * @param targetModules LoRA target modules ({@code q_proj}, ...), empty for dense
 * @param replacementReason why it was reassigned, or empty
 */
public record AssignmentView(
    int index,
    String trainer,
    String originalTrainer,
    int firstLayer,
    int lastLayer,
    String mode,
    int loraRank,
    int shardIndex,
    String precision,
    List<String> targetModules,
    String replacementReason) {

  /** Copies. */
  public AssignmentView {
    targetModules = List.copyOf(targetModules);
  }

  /** Whether this assignment covers the layer. */
  public boolean covers(int layer) {
    return layer >= firstLayer && layer <= lastLayer;
  }

  /** Whether it was reassigned. */
  public boolean replaced() {
    return !trainer.equals(originalTrainer);
  }
}
