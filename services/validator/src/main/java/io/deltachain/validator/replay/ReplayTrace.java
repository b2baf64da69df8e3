package io.deltachain.validator.replay;

import io.deltachain.core.content.ContentHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a trainer records while training one delta: the hash of its state at steps
 * {@code 0, k, 2k, ...} and at the last step, and the example indices of every step's batch.
 *
 * @param interval k, steps between recorded states
 * @param stateHashes hashes of the states at steps 0, k, 2k, ..., totalSteps (the last one even if
 *     not a multiple of k)
 * @param batches example indices of each step's batch, one entry per step
 */
public record ReplayTrace(int interval, List<ContentHash> stateHashes, List<int[]> batches) {

  /** One segment: steps [startStep, endStep) and the hashes of the states around them. */
  public record Segment(int index, long startStep, long endStep, ContentHash startHash, ContentHash endHash, List<int[]> batches) {}

  /** Validates that hashes and steps agree. */
  public ReplayTrace {
    if (interval < 1) {
      throw new IllegalArgumentException("replay interval k must be at least 1, got " + interval);
    }
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("a replay trace needs at least one step");
    }
    int expected = (batches.size() + interval - 1) / interval + 1;
    if (stateHashes.size() != expected) {
      throw new IllegalArgumentException(batches.size() + " steps with k = " + interval + " need " + expected
          + " state hashes (steps 0, k, 2k, ..., last), got " + stateHashes.size());
    }
    stateHashes = List.copyOf(stateHashes);
    List<int[]> copy = new ArrayList<>(batches.size());
    batches.forEach(b -> copy.add(b.clone()));
    batches = List.copyOf(copy);
  }

  /** Number of training steps. */
  public long totalSteps() {
    return batches.size();
  }

  /** Number of segments that can be replayed. */
  public int segmentCount() {
    return stateHashes.size() - 1;
  }

  /** Segment i. */
  public Segment segment(int i) {
    if (i < 0 || i >= segmentCount()) {
      throw new IllegalArgumentException("segment " + i + " out of range 0.." + (segmentCount() - 1));
    }
    long start = (long) i * interval;
    long end = Math.min(totalSteps(), start + interval);
    return new Segment(i, start, end, stateHashes.get(i), stateHashes.get(i + 1), batches.subList((int) start, (int) end));
  }

  /**
   * The commitment carried in {@code SubmitDelta.replay_commitment}: SHA-256 over a version tag,
   * k, the number of steps, every state hash in order, and every batch (its length and indices,
   * big-endian).
   */
  public ContentHash commitment() {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    md.update("deltachain-replay-v1".getBytes(StandardCharsets.US_ASCII));
    md.update(ByteBuffer.allocate(12).putInt(interval).putLong(totalSteps()).array());
    for (ContentHash h : stateHashes) {
      md.update(h.bytes());
    }
    for (int[] b : batches) {
      ByteBuffer buf = ByteBuffer.allocate(4 + 4 * b.length).putInt(b.length);
      for (int idx : b) {
        buf.putInt(idx);
      }
      md.update(buf.array());
    }
    return ContentHash.of(md.digest());
  }
}
