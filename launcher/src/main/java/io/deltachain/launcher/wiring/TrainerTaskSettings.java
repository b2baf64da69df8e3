package io.deltachain.launcher.wiring;

/**
 * What a trainer node has, against which it checks the rounds it is offered: the dataset and the
 * base model it holds. Everything else a task needs (steps, batch, sequence length, learning rate,
 * LoRA alpha, data seed, shard count, layer bases) comes from the round as its StartRound fixes
 * it ({@link RoundTasks}); a round naming another dataset or base model is refused with the reason.
 *
 * @param dataset the dataset spec this node holds ({@code europarl:600}, or a .txt/.jsonl path)
 * @param datasetHash the dataset's expected SHA-256, hex (empty: not checked)
 * @param tokenizer {@code bytes} or a tokenizer.json path
 * @param baseCheckpoint the base model this node holds ({@code random:<seed>} or an HF checkpoint directory)
 * @param declaredTokensPerSecond throughput to report when the node did not measure its own
 */
public record TrainerTaskSettings(String dataset, String datasetHash, String tokenizer, String baseCheckpoint,
    double declaredTokensPerSecond) {

  /** Validates. */
  public TrainerTaskSettings {
    if (dataset == null || dataset.isBlank() || baseCheckpoint == null || baseCheckpoint.isBlank()) {
      throw new IllegalArgumentException("a trainer needs a dataset and a base checkpoint");
    }
    if (declaredTokensPerSecond < 0) {
      throw new IllegalArgumentException("declared tokens/s must not be negative");
    }
    datasetHash = datasetHash == null ? "" : datasetHash;
    tokenizer = tokenizer == null || tokenizer.isBlank() ? "bytes" : tokenizer;
  }
}
