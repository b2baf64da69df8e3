package io.deltachain.launcher.wiring;

/**
 * What a trainer node adds to the round service's task offers to run them: where its data and
 * base model come from. Every trainer and validator of one network must use the same data
 * settings, because validators rebuild the trainer's shard and the evaluation set from them
 * ({@link EvalData}).
 *
 * @param dataset the trainer's dataset spec ({@code europarl:600}, or a .txt/.jsonl path)
 * @param datasetHash the dataset's expected SHA-256, hex (empty: not checked)
 * @param tokenizer {@code bytes} or a tokenizer.json path
 * @param baseCheckpoint the base model ({@code random:<seed>} or an HF checkpoint directory)
 * @param dataSeed the seed the shards and the held-out set are drawn with
 * @param shardCount how many shards the data is split into (at least the trainers of a round)
 * @param defaultSteps optimizer steps when the round does not fix them
 * @param declaredTokensPerSecond throughput to report when the node did not measure its own
 */
public record TrainerTaskSettings(String dataset, String datasetHash, String tokenizer, String baseCheckpoint,
    long dataSeed, int shardCount, int defaultSteps, double declaredTokensPerSecond) {

  /** Validates. */
  public TrainerTaskSettings {
    if (dataset == null || dataset.isBlank() || baseCheckpoint == null || baseCheckpoint.isBlank()) {
      throw new IllegalArgumentException("a trainer needs a dataset and a base checkpoint");
    }
    if (shardCount < 1 || defaultSteps < 1 || declaredTokensPerSecond < 0) {
      throw new IllegalArgumentException("shard count and default steps must be positive, tokens/s not negative");
    }
    datasetHash = datasetHash == null ? "" : datasetHash;
    tokenizer = tokenizer == null || tokenizer.isBlank() ? "bytes" : tokenizer;
  }
}
