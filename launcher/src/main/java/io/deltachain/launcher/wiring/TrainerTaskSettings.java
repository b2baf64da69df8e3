package io.deltachain.launcher.wiring;

/**
 * What a trainer node has, against which it checks the rounds it is offered: the base model it
 * holds. Everything else a task needs (steps, batch, sequence length, learning rate, LoRA alpha,
 * data seed, shard count, layer bases, and the train set, fetched from the delta store by the
 * round's {@code dataset_hash}) comes from the round as its StartRound fixes it ({@link
 * RoundTasks}); a round naming another base model is refused with the reason.
 *
 * @param tokenizer {@code bytes} or a tokenizer.json path
 * @param baseCheckpoint the base model this node holds ({@code random:<seed>} or an HF checkpoint directory)
 * @param declaredTokensPerSecond throughput to report when the node did not measure its own
 */
public record TrainerTaskSettings(String tokenizer, String baseCheckpoint, double declaredTokensPerSecond) {

  /** Validates. */
  public TrainerTaskSettings {
    if (baseCheckpoint == null || baseCheckpoint.isBlank()) {
      throw new IllegalArgumentException("a trainer needs a base checkpoint");
    }
    if (declaredTokensPerSecond < 0) {
      throw new IllegalArgumentException("declared tokens/s must not be negative");
    }
    tokenizer = tokenizer == null || tokenizer.isBlank() ? "bytes" : tokenizer;
  }
}
