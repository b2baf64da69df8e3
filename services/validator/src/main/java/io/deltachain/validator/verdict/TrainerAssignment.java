package io.deltachain.validator.verdict;

import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.TrainingMode;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one trainer was assigned in a round (from {@code StartRound.assignments}).
 *
 * @param firstLayer first assigned layer index, inclusive
 * @param lastLayer last assigned layer index, inclusive
 * @param mode training mode
 * @param loraRank LoRA rank (LoRA and QLoRA only)
 * @param targetModules module short names (e.g. {@code q_proj}); empty means every module of the layer
 * @param shardIndex the data shard the trainer must train on
 */
public record TrainerAssignment(int firstLayer, int lastLayer, TrainingMode mode, int loraRank,
    SortedSet<String> targetModules, int shardIndex) {

  /** Copies the module set so the record stays immutable. */
  public TrainerAssignment {
    targetModules = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(targetModules));
  }

  /** From the chain's assignment message. */
  public static TrainerAssignment from(Assignment a) {
    return new TrainerAssignment(a.getFirstLayer(), a.getLastLayer(), a.getMode(), a.getLoraRank(),
        new TreeSet<>(a.getTargetModulesList()), a.getShardIndex());
  }

  /** Whether the mode trains LoRA factors. */
  public boolean isLora() {
    return mode == TrainingMode.LORA || mode == TrainingMode.QLORA;
  }
}
