package io.deltachain.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Documents tokenised, joined with EOS and cut into windows of {@code length + 1} tokens (inputs
 * and shifted labels), served as batches in an order reshuffled every epoch from a seed. Batch
 * {@code i} is a pure function of (tokens, seed, i), so {@link #seek} is exact.
 */
public final class PackedBatches implements BatchSource {
  private final int[] stream;
  private final int batchSize;
  private final int length;
  private final int windows;
  private final long seed;
  private final String fingerprint;
  private long position;
  private int cachedEpoch = -1;
  private int[] order;

  /**
   * Packs documents.
   *
   * @param documents documents in order
   * @param tokenizer tokenizer
   * @param batchSize sequences per batch
   * @param length tokens per sequence
   * @param seed shuffle seed (derive it from a {@link ShardPlan})
   * @param label part of the fingerprint identifying the documents (e.g. dataset hash and shard)
   */
  public PackedBatches(List<String> documents, Tokenizer tokenizer, int batchSize, int length, long seed,
      String label) {
    this(pack(documents, tokenizer), batchSize, length, seed, label + "|" + tokenizer.id());
  }

  /**
   * Serves an already tokenised stream.
   *
   * @param stream token ids
   * @param batchSize sequences per batch
   * @param length tokens per sequence
   * @param seed shuffle seed
   * @param label fingerprint label
   */
  public PackedBatches(int[] stream, int batchSize, int length, long seed, String label) {
    if (batchSize <= 0 || length <= 0) {
      throw new IllegalArgumentException("batch size and length must be positive");
    }
    this.stream = stream;
    this.batchSize = batchSize;
    this.length = length;
    this.windows = (stream.length - 1) / length;
    if (windows < batchSize) {
      throw new IllegalArgumentException("the data packs into " + windows + " sequences of " + length
          + " tokens, fewer than one batch of " + batchSize);
    }
    this.seed = seed;
    this.fingerprint = label + "|b" + batchSize + "|t" + length + "|s" + seed + "|n" + stream.length;
  }

  /**
   * Tokenises and joins documents, each followed by EOS.
   *
   * @param documents documents
   * @param tokenizer tokenizer
   * @return the token stream
   */
  public static int[] pack(List<String> documents, Tokenizer tokenizer) {
    List<int[]> parts = new ArrayList<>(documents.size());
    long total = 0;
    for (String d : documents) {
      int[] ids = tokenizer.encode(d);
      parts.add(ids);
      total += ids.length + 1;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("token stream too large for one shard: " + total);
    }
    int[] out = new int[(int) total];
    int pos = 0;
    for (int[] ids : parts) {
      System.arraycopy(ids, 0, out, pos, ids.length);
      pos += ids.length;
      out[pos++] = tokenizer.eosId();
    }
    return out;
  }

  /** @return sequences per epoch */
  public int sequencesPerEpoch() {
    return windows;
  }

  /** @return total tokens in the stream */
  public int streamLength() {
    return stream.length;
  }

  @Override
  public Batch next() {
    Batch b = batchAt(position);
    position++;
    return b;
  }

  /**
   * The batch at a position, without moving.
   *
   * @param index batch index
   * @return the batch
   */
  public Batch batchAt(long index) {
    return batchOfWindows(windowsAt(index));
  }

  /**
   * Which windows (sequences of {@code length + 1} tokens, numbered from the stream's start) batch
   * {@code index} serves: the example indices a replay trace records.
   *
   * @param index batch index
   * @return window numbers, one per sequence of the batch
   */
  public int[] windowsAt(long index) {
    int[] out = new int[batchSize];
    for (int b = 0; b < batchSize; b++) {
      long seq = index * batchSize + b;
      int epoch = (int) (seq / windows);
      out[b] = orderFor(epoch)[(int) (seq % windows)];
    }
    return out;
  }

  /**
   * The batch made of the given windows, in order.
   *
   * @param windowNumbers window numbers, each in {@code [0, sequencesPerEpoch())}
   * @return the batch
   * @throws IllegalArgumentException if a window is outside the stream
   */
  public Batch batchOfWindows(int[] windowNumbers) {
    if (windowNumbers.length == 0) {
      throw new IllegalArgumentException("a batch needs at least one window");
    }
    long[][] in = new long[windowNumbers.length][length];
    long[][] lab = new long[windowNumbers.length][length];
    for (int b = 0; b < windowNumbers.length; b++) {
      int window = windowNumbers[b];
      if (window < 0 || window >= windows) {
        throw new IllegalArgumentException("window " + window + " is outside the " + windows + " windows of this data");
      }
      int start = window * length;
      for (int t = 0; t < length; t++) {
        in[b][t] = stream[start + t];
        lab[b][t] = stream[start + t + 1];
      }
    }
    return new Batch(in, lab);
  }

  /** @return sequences per batch */
  public int batchSize() {
    return batchSize;
  }

  private int[] orderFor(int epoch) {
    if (epoch != cachedEpoch) {
      int[] p = new int[windows];
      for (int i = 0; i < windows; i++) {
        p[i] = i;
      }
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
      for (int i = windows - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      order = p;
      cachedEpoch = epoch;
    }
    return order;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void seek(long newPosition) {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative data position " + newPosition);
    }
    this.position = newPosition;
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }
}
