package io.deltachain.trainer.data;

import io.deltachain.core.content.ContentHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which documents a shard trains on and which are held out, derived only from (dataset hash,
 * round seed, shard count), so every node computes the same split. The held-out documents depend
 * on the dataset alone: the first {@code heldOut} of a Fisher-Yates permutation seeded by the
 * dataset hash. Every round of a network therefore evaluates on the same documents (losses are
 * comparable from round to round: a round's "before" is the previous round's "after") and no
 * round trains on them. The other documents are permuted again with the round's seed and dealt
 * round-robin to the shards, so each round shards and orders its training data differently.
 *
 * @param datasetHash the corpus hash
 * @param roundSeed the round's seed (from the chain)
 * @param shardCount number of shards
 * @param heldOut documents held out for evaluation
 */
public record ShardPlan(ContentHash datasetHash, long roundSeed, int shardCount, int heldOut) {

  /** Validates the plan. */
  public ShardPlan {
    if (shardCount <= 0 || heldOut < 0) {
      throw new IllegalArgumentException("shard count must be positive and held-out count non-negative");
    }
  }

  /**
   * A seed derived from the plan and extra labels, for shuffles that must agree across nodes.
   *
   * @param labels extra components (shard index, epoch, ...)
   * @return the seed
   */
  public long seed(Object... labels) {
    MessageDigest d = ContentHash.newDigest();
    d.update(datasetHash.bytes());
    d.update(ByteBuffer.allocate(8).putLong(roundSeed).array());
    for (Object l : labels) {
      d.update((byte) '/');
      d.update(String.valueOf(l).getBytes(StandardCharsets.UTF_8));
    }
    return ByteBuffer.wrap(d.digest()).getLong();
  }

  /**
   * The seed of the held-out batches' order: like the held-out documents, a function of the
   * dataset alone.
   */
  public long heldOutSeed() {
    MessageDigest d = ContentHash.newDigest();
    d.update(datasetHash.bytes());
    d.update("/heldout".getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(d.digest()).getLong();
  }

  /** Held-out documents first (dataset-seeded), then the rest in the round's order. */
  private int[] permutation(int n) {
    int[] p = identity(n);
    shuffle(p, 0, n, new SplittableRandom(heldOutSeed() ^ 0x5DEECE66DL));
    shuffle(p, Math.min(heldOut, n), n, new SplittableRandom(seed("documents")));
    return p;
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  /** Fisher-Yates over {@code p[from, to)}. */
  private static void shuffle(int[] p, int from, int to, SplittableRandom r) {
    for (int i = to - 1; i > from; i--) {
      int j = from + r.nextInt(i - from + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
  }

  /**
   * The documents of one shard, in training order.
   *
   * @param corpus the corpus (its hash must match)
   * @param shardIndex the shard
   * @return the documents
   */
  public List<String> shard(Corpus corpus, int shardIndex) {
    check(corpus);
    if (shardIndex < 0 || shardIndex >= shardCount) {
      throw new IllegalArgumentException("shard index " + shardIndex + " outside [0, " + shardCount + ")");
    }
    int[] p = permutation(corpus.documents().size());
    List<String> out = new ArrayList<>();
    for (int i = heldOut + shardIndex; i < p.length; i += shardCount) {
      out.add(corpus.documents().get(p[i]));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("shard " + shardIndex + " of " + shardCount + " is empty: the corpus has "
          + corpus.documents().size() + " documents, " + heldOut + " held out");
    }
    return out;
  }

  /**
   * The held-out documents.
   *
   * @param corpus the corpus
   * @return the documents
   */
  public List<String> heldOutDocuments(Corpus corpus) {
    check(corpus);
    int[] p = permutation(corpus.documents().size());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(heldOut, p.length); i++) {
      out.add(corpus.documents().get(p[i]));
    }
    return out;
  }

  private void check(Corpus corpus) {
    if (!corpus.hash().equals(datasetHash)) {
      throw new IllegalArgumentException("corpus " + corpus.name() + " has hash " + corpus.hash()
          + " but the plan is for dataset " + datasetHash);
    }
  }
}
