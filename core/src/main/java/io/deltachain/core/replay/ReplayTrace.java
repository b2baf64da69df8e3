package io.deltachain.core.replay;

import io.deltachain.core.content.ContentHash;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a trainer records while training one task: the hash of its training state (see
 * {@link StateHashes}) at steps {@code 0, k, 2k, ...} and at the last step, and the example
 * indices of every step's batch (for the trainer: the packed windows of its shard, all
 * micro-batches of the step in order).
 *
 * <p>The trace is published as a file whose bytes are exactly its {@link #encode() encoding},
 * and {@code SubmitDelta.replay_commitment} is the SHA-256 of those bytes, so a content-addressed
 * store finds the trace by the commitment on chain.
 *
 * @param interval k, steps between recorded states
 * @param stateHashes hashes of the states at steps 0, k, 2k, ..., totalSteps (the last one even if
 *     not a multiple of k)
 * @param batches example indices of each step's batch, one entry per step
 */
public record ReplayTrace(int interval, List<ContentHash> stateHashes, List<int[]> batches) {
  /** Leading tag of the encoding; a different tag is another format version. */
  public static final String FORMAT = "deltachain-replay-v1";
  private static final byte[] FORMAT_BYTES = FORMAT.getBytes(StandardCharsets.US_ASCII);

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
    int expected = stateCount(batches.size(), interval);
    if (stateHashes.size() != expected) {
      throw new IllegalArgumentException(batches.size() + " steps with k = " + interval + " need " + expected
          + " state hashes (steps 0, k, 2k, ..., last), got " + stateHashes.size());
    }
    stateHashes = List.copyOf(stateHashes);
    List<int[]> copy = new ArrayList<>(batches.size());
    batches.forEach(b -> copy.add(b.clone()));
    batches = List.copyOf(copy);
  }

  /** Number of recorded states for a run of {@code steps} steps with interval {@code k}. */
  public static int stateCount(long steps, int k) {
    return Math.toIntExact((steps + k - 1) / k + 1);
  }

  /** The steps whose states a trace of {@code steps} steps with interval {@code k} records, ascending. */
  public static long[] recordedSteps(long steps, int k) {
    long[] out = new long[stateCount(steps, k)];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.min(steps, (long) i * k);
    }
    return out;
  }

  /** Number of training steps. */
  public long totalSteps() {
    return batches.size();
  }

  /** Number of segments that can be replayed. */
  public int segmentCount() {
    return stateHashes.size() - 1;
  }

  /** The hash of the state after the last step. */
  public ContentHash finalStateHash() {
    return stateHashes.get(stateHashes.size() - 1);
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
   * The trace file's bytes: the ASCII tag {@value #FORMAT}, k (int32), the number of steps
   * (int64), every state hash (32 bytes each, in step order), then every step's batch as its
   * length (int32) and indices (int32 each); big-endian throughout.
   */
  public byte[] encode() {
    long size = FORMAT_BYTES.length + 12L + 32L * stateHashes.size();
    for (int[] b : batches) {
      size += 4 + 4L * b.length;
    }
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size));
    buf.put(FORMAT_BYTES).putInt(interval).putLong(totalSteps());
    for (ContentHash h : stateHashes) {
      buf.put(h.bytes());
    }
    for (int[] b : batches) {
      buf.putInt(b.length);
      for (int idx : b) {
        buf.putInt(idx);
      }
    }
    return buf.array();
  }

  /**
   * The commitment carried in {@code SubmitDelta.replay_commitment}: SHA-256 of {@link #encode()}.
   */
  public ContentHash commitment() {
    return ContentHash.sha256(encode());
  }

  /** Writes the trace file ({@link #encode()}) and returns its hash, the commitment. */
  public ContentHash write(Path file) throws IOException {
    byte[] bytes = encode();
    Files.write(file, bytes);
    return ContentHash.sha256(bytes);
  }

  /** Reads a trace file. */
  public static ReplayTrace read(Path file) throws IOException {
    return decode(Files.readAllBytes(file));
  }

  /**
   * Parses a trace file's bytes.
   *
   * @throws IOException naming what is wrong when the bytes are not a complete trace of this version
   */
  public static ReplayTrace decode(byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      byte[] tag = new byte[FORMAT_BYTES.length];
      buf.get(tag);
      if (!Arrays.equals(tag, FORMAT_BYTES)) {
        throw new IOException("not a replay trace of format " + FORMAT + " (it starts with '"
            + new String(tag, StandardCharsets.US_ASCII).replaceAll("[^ -~]", "?") + "')");
      }
      int interval = buf.getInt();
      long steps = buf.getLong();
      if (interval < 1) {
        throw new IOException("replay trace has interval k = " + interval + ", must be at least 1");
      }
      // every step costs at least 4 bytes, so a count beyond the remaining bytes is a lie, not a big trace
      if (steps < 1 || steps > buf.remaining() / 4) {
        throw new IOException("replay trace claims " + steps + " steps, which its " + bytes.length + " bytes cannot hold");
      }
      int states = stateCount(steps, interval);
      List<ContentHash> hashes = new ArrayList<>(states);
      for (int i = 0; i < states; i++) {
        byte[] h = new byte[ContentHash.LENGTH];
        buf.get(h);
        hashes.add(ContentHash.of(h));
      }
      List<int[]> batches = new ArrayList<>((int) steps);
      for (long s = 0; s < steps; s++) {
        int n = buf.getInt();
        if (n < 0 || n > buf.remaining() / 4) {
          throw new IOException("batch of step " + s + " claims " + n + " indices, more than the trace holds");
        }
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
          b[i] = buf.getInt();
        }
        batches.add(b);
      }
      if (buf.hasRemaining()) {
        throw new IOException("replay trace has " + buf.remaining() + " bytes after its last batch");
      }
      return new ReplayTrace(interval, hashes, batches);
    } catch (BufferUnderflowException e) {
      throw new IOException("replay trace is truncated (" + bytes.length + " bytes)", e);
    }
  }
}
