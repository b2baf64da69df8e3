package io.deltachain.launcher.wiring;

import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.data.ShardPlan;
import io.deltachain.trainer.data.Tokenizer;
import io.deltachain.validator.verdict.DataSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves the validator's {@link DataSplit}s into token batches exactly as the trainer builds its
 * own. The evaluation set is the round's eval set ({@code eval_set_hash}, fetched from the delta
 * store and verified), in an order fixed by its hash alone, so every round on the same data
 * evaluates on the same batches; an assigned shard is the trainer's shard of the round's train set
 * ({@code dataset_hash}): the same {@link ShardPlan} (train set hash, the round's data seed, shard
 * count, nothing held out, as {@link io.deltachain.trainer.task.TrainingJob#shardPlan} for a
 * hash-addressed dataset) and the same packing, its first batches being the ones the trainer also
 * measures; a random sample is uniformly random token sequences from the chain-derived sample seed
 * (see {@link #batches}).
 *
 * @param train the round's train set
 * @param eval the round's evaluation set
 * @param roundSeed the round's data seed
 * @param shardCount shards in the round
 * @param batchSize sequences per batch
 * @param length tokens per sequence
 * @param evalBatches batches per split
 * @param vocabSize the model's vocabulary (byte tokenizer)
 */
public record EvalData(Corpus train, Corpus eval, long roundSeed, int shardCount, int batchSize, int length,
    int evalBatches, int vocabSize) {

  private static final Map<String, List<Batch>> CACHE = new ConcurrentHashMap<>();

  private ShardPlan plan() {
    return new ShardPlan(train.hash(), roundSeed, shardCount, 0);
  }

  private Tokenizer tokenizer() {
    return new ByteTokenizer(vocabSize);
  }

  /** The batches of a split (cached: splits are pure functions of chain data). */
  public List<Batch> batches(DataSplit split) {
    String key = train.hash().hex() + "/" + eval.hash().hex() + "/" + roundSeed + "/" + shardCount + "/" + batchSize + "x" + length + "/" + split;
    return CACHE.computeIfAbsent(key, k -> build(split));
  }

  private List<Batch> build(DataSplit split) {
    ShardPlan plan = plan();
    PackedBatches packed;
    int count = evalBatches;
    if (split instanceof DataSplit.EvalSet) {
      // ordered by the eval set's hash alone: the same batches in every round on this data
      packed = new PackedBatches(eval.documents(), tokenizer(), batchSize, length,
          new ShardPlan(eval.hash(), 0, 1, 0).heldOutSeed(), "eval");
    } else if (split instanceof DataSplit.AssignedShard s) {
      packed = new PackedBatches(plan.shard(train, s.shardIndex()), tokenizer(), batchSize, length,
          plan.seed("shard", s.shardIndex()), train.hash().hex() + "/" + s.shardIndex() + "/" + shardCount);
    } else if (split instanceof DataSplit.RandomSample r) {
      // Random data is uniformly random token sequences from the chain-derived sample seed, not other
      // shards of the corpus: with shards drawn from one homogeneous corpus, the gain on another shard
      // equals the gain on one's own within noise (measured in the demo: 332,801 vs 342,505 micro-nats),
      // which turned the shard check into a coin flip for honest trainers. Against random tokens the
      // check still catches a trainer that trained on random data or did not train on text at all.
      count = Math.max(1, (r.size() + batchSize - 1) / batchSize);
      java.util.SplittableRandom rng = new java.util.SplittableRandom(r.seed());
      int[] stream = new int[count * batchSize * length + 1];
      for (int i = 0; i < stream.length; i++) {
        stream[i] = rng.nextInt(vocabSize);
      }
      packed = new PackedBatches(stream, batchSize, length, r.seed(), "random");
    } else {
      throw new IllegalArgumentException("unknown split " + split);
    }
    List<Batch> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(packed.batchAt(i));
    }
    return out;
  }
}
