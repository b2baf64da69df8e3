package io.deltachain.trainer.replay;

import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.BatchSource;
import io.deltachain.trainer.data.PackedBatches;
import java.util.Map;
import java.util.TreeMap;

/**
 * A shard's batches that remembers which windows each served batch held, so the trainer can
 * publish the example indices of every step. Wraps the session's data without changing what it
 * serves.
 */
public final class RecordingBatches implements BatchSource {
  private final PackedBatches source;
  private final Map<Long, int[]> served = new TreeMap<>();

  /** Records what {@code source} serves. */
  public RecordingBatches(PackedBatches source) {
    this.source = source;
  }

  /** @return the wrapped shard */
  public PackedBatches source() {
    return source;
  }

  @Override
  public Batch next() {
    long position = source.position();
    int[] windows = source.windowsAt(position);
    Batch b = source.next();
    served.put(position, windows);
    return b;
  }

  /**
   * The windows of the batch at a position: as served, or, for positions served before a resume
   * from a checkpoint (not in this process), the shard's batch at that position, which is the
   * same because batch {@code i} is a pure function of (tokens, seed, i) and resume checks the
   * data's fingerprint.
   */
  public int[] windowsAt(long position) {
    int[] w = served.get(position);
    return w != null ? w.clone() : source.windowsAt(position);
  }

  @Override
  public long position() {
    return source.position();
  }

  @Override
  public void seek(long position) {
    source.seek(position);
  }

  @Override
  public String fingerprint() {
    return source.fingerprint();
  }
}
