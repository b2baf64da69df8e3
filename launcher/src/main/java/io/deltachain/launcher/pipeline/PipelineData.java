package io.deltachain.launcher.pipeline;

import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.data.ShardPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training data of a pipeline run, made the way a trainer makes a round task's data
 * ({@code TrainingJob.shard}): the corpus split into shards by a seed, one shard packed into
 * windows with the byte tokenizer and ordered by the same seed. Public so that a single-process
 * run (a test, a comparison) can train on exactly the same batches.
 */
public final class PipelineData {
  /** Documents held out of every shard, as the trainer module holds out for evaluation. */
  public static final int HELD_OUT_DOCUMENTS = 64;

  private PipelineData() {
  }

  /**
   * Reads a dataset: {@code europarl:N} (the first N Europarl documents bundled with the build), a
   * {@code .jsonl} file (field {@code text}) or a text file (one document per line).
   *
   * @param spec the dataset
   * @return the corpus
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the spec when it is malformed
   */
  public static Corpus corpus(String spec) throws IOException {
    if (spec.startsWith("europarl:")) {
      int n;
      try {
        n = Integer.parseInt(spec.substring("europarl:".length()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("dataset '" + spec + "': europarl:<documents> needs a number");
      }
      if (n < 1) {
        throw new IllegalArgumentException("dataset '" + spec + "': at least one document");
      }
      return Corpus.europarl(n);
    }
    Path file = Path.of(spec);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("dataset '" + spec + "' is neither europarl:<documents> nor a readable file");
    }
    return spec.endsWith(".jsonl") ? Corpus.fromJsonl(file, "text") : Corpus.fromText(file);
  }

  /**
   * One shard of a corpus as training batches.
   *
   * @param corpus the corpus
   * @param dataSeed the seed that splits and orders it (a round's seed)
   * @param shards how many shards
   * @param shard which one
   * @param batchSize sequences per micro-batch
   * @param sequenceLength tokens per sequence
   * @param vocabSize the model's vocabulary (the byte tokenizer maps into it)
   * @return the batches, at position 0
   */
  public static PackedBatches shard(Corpus corpus, long dataSeed, int shards, int shard, int batchSize,
      int sequenceLength, int vocabSize) {
    if (shard < 0 || shard >= shards) {
      throw new IllegalArgumentException("shard " + shard + " of " + shards + " does not exist");
    }
    ShardPlan plan = new ShardPlan(corpus.hash(), dataSeed, shards, HELD_OUT_DOCUMENTS);
    return new PackedBatches(plan.shard(corpus, shard), new ByteTokenizer(vocabSize), batchSize, sequenceLength,
        plan.seed("shard", shard), corpus.hash().hex() + "/" + shard + "/" + shards);
  }
}
