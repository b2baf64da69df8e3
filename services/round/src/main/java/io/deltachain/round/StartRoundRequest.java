package io.deltachain.round;

import java.util.List;

/**
 * A client's request to start a round (the body of {@code POST /learning/round/start}).
 *
 * @param modelId a bundled model profile name
 * @param mode hybrid, dense, lora or qlora
 * @param dataset a registered dataset's hash or name
 * @param lr learning rate
 * @param batchSize sequences per micro-batch
 * @param epochs passes over each shard
 * @param loraRank LoRA rank for adapter stages
 * @param sequenceLength tokens per sequence, or null for min(2048, the model's context)
 * @param aggregation krum, multi_krum, trimmed_mean, coordinate_median or weighted_mean; null for trimmed_mean
 * @param trainingBlocks training window in blocks, or null for the configured default
 * @param validationBlocks verdict window in blocks, or null for the configured default
 * @param steps optimizer steps per trainer, or null to let the trainer derive them from the epochs
 * @param firstLayer first layer to train, or null for the whole model
 * @param lastLayer last layer to train (inclusive), or null for the whole model
 * @param targetModules LoRA targets by Hugging Face name ({@code q_proj}, ...), or null for all seven linears
 * @param loraAlpha LoRA alpha (the adapter's scale is alpha / rank), or null for twice {@code loraRank}
 */
public record StartRoundRequest(
    String modelId,
    String mode,
    String dataset,
    double lr,
    int batchSize,
    int epochs,
    int loraRank,
    Integer sequenceLength,
    String aggregation,
    Integer trainingBlocks,
    Integer validationBlocks,
    Integer steps,
    Integer firstLayer,
    Integer lastLayer,
    List<String> targetModules,
    Double loraAlpha) {

  /** Copies the list. */
  public StartRoundRequest {
    targetModules = targetModules == null ? null : List.copyOf(targetModules);
  }

  /** A request over the whole model with the default targets and trainer-chosen steps. */
  public StartRoundRequest(String modelId, String mode, String dataset, double lr, int batchSize, int epochs,
      int loraRank, Integer sequenceLength, String aggregation, Integer trainingBlocks, Integer validationBlocks) {
    this(modelId, mode, dataset, lr, batchSize, epochs, loraRank, sequenceLength, aggregation, trainingBlocks,
        validationBlocks, null, null, null, null, null);
  }
}
