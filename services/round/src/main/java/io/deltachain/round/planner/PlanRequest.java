package io.deltachain.round.planner;

import io.deltachain.core.profile.ModelModule;
import io.deltachain.core.profile.ModelProfile;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a round asks the planner for.
 *
 * @param profile the base model
 * @param mode dense, adapters or both
 * @param loraRank the requested LoRA rank (capped for the adapter tier)
 * @param microBatch sequences per micro-batch
 * @param sequenceLength tokens per sequence
 * @param targetModules LoRA target modules
 */
public record PlanRequest(
    ModelProfile profile, PlanMode mode, int loraRank, int microBatch, int sequenceLength,
    Set<ModelModule> targetModules) {

  /** Validates and copies. */
  public PlanRequest {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(mode, "mode");
    if (loraRank <= 0) {
      throw new IllegalArgumentException("lora_rank must be positive, got " + loraRank);
    }
    if (microBatch <= 0) {
      throw new IllegalArgumentException("micro-batch must be positive, got " + microBatch);
    }
    if (sequenceLength <= 0) {
      throw new IllegalArgumentException("sequence length must be positive, got " + sequenceLength);
    }
    targetModules = targetModules == null || targetModules.isEmpty()
        ? ModelModule.layerLinears()
        : Set.copyOf(EnumSet.copyOf(targetModules));
  }

  /** A request with all seven linears as LoRA targets. */
  public static PlanRequest of(ModelProfile profile, PlanMode mode, int loraRank, int microBatch, int sequenceLength) {
    return new PlanRequest(profile, mode, loraRank, microBatch, sequenceLength, null);
  }
}
