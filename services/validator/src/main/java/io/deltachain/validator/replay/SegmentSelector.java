package io.deltachain.validator.replay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Picks the segment to replay from chain data the trainer could not know while training (e.g.
 * the hash of the block that committed its delta) and the delta id: every validator picks the
 * same segment, and the trainer cannot predict which one to do honestly. Uniform over the
 * segments: SHA-256 of (tag, seed, delta id, counter) read as an unsigned 64-bit number, redrawn
 * with the next counter while it falls in the biased tail.
 */
public final class SegmentSelector {
  private SegmentSelector() {}

  /** The segment index in [0, segments). */
  public static int select(byte[] chainSeed, byte[] deltaId, int segments) {
    if (segments < 1) {
      throw new IllegalArgumentException("need at least one segment, got " + segments);
    }
    for (int counter = 0; ; counter++) {
      long v = draw(chainSeed, deltaId, counter);
      long r = Long.remainderUnsigned(v, segments);
      // v - r starts v's run of `segments` consecutive values; only a run that fits below 2^64
      // maps uniformly onto the segments, so a draw in the last, partial run is redrawn
      if (Long.compareUnsigned(v - r, -(long) segments) <= 0) {
        return (int) r;
      }
    }
  }

  private static long draw(byte[] seed, byte[] deltaId, int counter) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update("deltachain-replay-segment-v1".getBytes(StandardCharsets.US_ASCII));
      md.update(ByteBuffer.allocate(4).putInt(seed.length).array());
      md.update(seed);
      md.update(ByteBuffer.allocate(4).putInt(deltaId.length).array());
      md.update(deltaId);
      md.update(ByteBuffer.allocate(4).putInt(counter).array());
      return ByteBuffer.wrap(md.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
