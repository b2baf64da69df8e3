package io.deltachain.round.data;

import io.deltachain.core.content.ContentHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic shuffling and sharding as pure functions of chain data, so the coordinator,
 * every trainer and every validator derive the same shards without talking to each other.
 *
 * <p>The random stream is SHA-256 in counter mode over
 * {@code "deltachain-shuffle-v1" || dataset hash || round seed (8 bytes, big-endian)}, read as
 * unsigned 64-bit words; the permutation is a Fisher-Yates shuffle drawing indices by rejection
 * sampling (no modulo bias). Shards are contiguous slices of the permutation whose sizes differ
 * by at most one, the first {@code n mod count} shards being one larger.
 */
public final class Sharding {
  private static final byte[] SHUFFLE_DOMAIN = "deltachain-shuffle-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEED_DOMAIN = "deltachain-round-seed-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVAL_DOMAIN = "deltachain-eval-seed-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVAL_SPLIT_DOMAIN = "deltachain-eval-split-v1".getBytes(StandardCharsets.US_ASCII);

  private Sharding() {}

  /**
   * The round seed: the first 8 bytes of SHA-256 over a domain tag, the round id and the
   * dataset hash, so it is fixed before training and anyone can recompute it.
   */
  public static long roundSeed(String roundId, ContentHash datasetHash) {
    return seed(SEED_DOMAIN, roundId, datasetHash);
  }

  /** The evaluation seed, derived like {@link #roundSeed} under its own domain tag. */
  public static long evalSeed(String roundId, ContentHash datasetHash) {
    return seed(EVAL_DOMAIN, roundId, datasetHash);
  }

  /**
   * The seed of the train/eval split of a filtered dataset: the first 8 bytes of SHA-256 over
   * {@code "deltachain-eval-split-v1" 0x00 0x00 || filtered dataset hash}, a function of the
   * filtered dataset alone, so every round on the same data evaluates on the same documents and
   * rounds are comparable (one round's loss after is the next round's loss before).
   */
  public static long evalSplitSeed(ContentHash filteredHash) {
    return seed(EVAL_SPLIT_DOMAIN, "", filteredHash);
  }

  private static long seed(byte[] domain, String roundId, ContentHash datasetHash) {
    MessageDigest d = ContentHash.newDigest();
    d.update(domain);
    d.update((byte) 0);
    d.update(roundId.getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0);
    d.update(datasetHash.bytes());
    return ByteBuffer.wrap(d.digest()).getLong();
  }

  /** A permutation of {@code 0..n-1} determined by the dataset hash and the round seed. */
  public static int[] permutation(ContentHash datasetHash, long roundSeed, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, got " + n);
    }
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    Stream stream = new Stream(datasetHash, roundSeed);
    for (int i = n - 1; i > 0; i--) {
      int j = stream.below(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The number of documents in shard {@code shardIndex} of {@code shardCount}. */
  public static int shardSize(int n, int shardIndex, int shardCount) {
    checkShard(shardIndex, shardCount);
    return n / shardCount + (shardIndex < n % shardCount ? 1 : 0);
  }

  /**
   * The document indices of one shard: a contiguous slice of the round's permutation.
   *
   * @throws IllegalArgumentException for a shard index outside {@code 0..shardCount-1}
   */
  public static int[] shard(ContentHash datasetHash, long roundSeed, int shardIndex, int shardCount, int n) {
    checkShard(shardIndex, shardCount);
    int[] p = permutation(datasetHash, roundSeed, n);
    int start = 0;
    for (int s = 0; s < shardIndex; s++) {
      start += shardSize(n, s, shardCount);
    }
    int size = shardSize(n, shardIndex, shardCount);
    int[] out = new int[size];
    System.arraycopy(p, start, out, 0, size);
    return out;
  }

  /** The documents of one shard of a dataset, in shard order. */
  public static List<String> shardDocuments(Dataset dataset, long roundSeed, int shardIndex, int shardCount) {
    int[] idx = shard(dataset.hash(), roundSeed, shardIndex, shardCount, dataset.size());
    List<String> out = new ArrayList<>(idx.length);
    for (int i : idx) {
      out.add(dataset.documents().get(i));
    }
    return out;
  }

  private static void checkShard(int shardIndex, int shardCount) {
    if (shardCount <= 0) {
      throw new IllegalArgumentException("shard count must be positive, got " + shardCount);
    }
    if (shardIndex < 0 || shardIndex >= shardCount) {
      throw new IllegalArgumentException(
          "shard index must be in 0.." + (shardCount - 1) + ", got " + shardIndex);
    }
  }

  /** SHA-256 in counter mode. */
  private static final class Stream {
    private final byte[] prefix;
    private long counter;
    private ByteBuffer block = ByteBuffer.allocate(0);

    Stream(ContentHash datasetHash, long roundSeed) {
      ByteBuffer b = ByteBuffer.allocate(SHUFFLE_DOMAIN.length + 1 + ContentHash.LENGTH + Long.BYTES);
      b.put(SHUFFLE_DOMAIN).put((byte) 0).put(datasetHash.bytes()).putLong(roundSeed);
      this.prefix = b.array();
    }

    long next() {
      if (block.remaining() < Long.BYTES) {
        MessageDigest d = ContentHash.newDigest();
        d.update(prefix);
        d.update(ByteBuffer.allocate(Long.BYTES).putLong(counter++).array());
        block = ByteBuffer.wrap(d.digest());
      }
      return block.getLong();
    }

    /** Uniform in {@code [0, bound)} by rejection sampling over unsigned 64-bit words. */
    int below(int bound) {
      // accept r < 2^64 - (2^64 mod bound): a whole number of copies of [0, bound)
      long excess = (Long.remainderUnsigned(-1L, bound) + 1) % bound;
      while (true) {
        long r = next();
        if (excess == 0 || Long.compareUnsigned(r, -excess) < 0) {
          return (int) Long.remainderUnsigned(r, bound);
        }
      }
    }
  }
}
