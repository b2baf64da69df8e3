package io.deltachain.core.replay;

import io.deltachain.core.content.ContentHash;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A training state (its float values in the order of its {@link StateLayout}) as a file, and its
 * hash. The file is the ASCII tag {@value #FORMAT}, the number of values (int64, little-endian)
 * and the values as little-endian float32, after canonicalizing -0.0 to +0.0 and every NaN to the
 * one canonical NaN; the state's hash is the SHA-256 of exactly those bytes. So a
 * content-addressed store finds a state by the hash recorded in a {@link ReplayTrace}, and two
 * states that compare equal hash equal.
 */
public final class StateHashes {
  /** Leading tag of the file; a different tag is another format version. */
  public static final String FORMAT = "deltachain-state-v1";
  private static final byte[] FORMAT_BYTES = FORMAT.getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK = 1 << 16;

  private StateHashes() {}

  /** Hash of the state: SHA-256 of its file bytes. */
  public static ContentHash of(float[] state) {
    MessageDigest md = ContentHash.newDigest();
    try {
      writeTo(state, new OutputStream() {
        @Override
        public void write(int b) {
          md.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          md.update(b, off, len);
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("hashing does not do I/O", e);
    }
    return ContentHash.of(md.digest());
  }

  /** The file bytes of a state. */
  public static byte[] encode(float[] state) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(FORMAT_BYTES.length + 8 + 4 * state.length);
    try {
      writeTo(state, out);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory does not fail", e);
    }
    return out.toByteArray();
  }

  /** Writes the state file and returns its hash. */
  public static ContentHash write(Path file, float[] state) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), CHUNK)) {
      writeTo(state, out);
    }
    return of(state);
  }

  /** Parses a state file's bytes; throws naming what is wrong. */
  public static float[] decode(byte[] bytes) throws IOException {
    return readFrom(new java.io.ByteArrayInputStream(bytes), bytes.length);
  }

  /** Reads a state file; throws naming what is wrong. */
  public static float[] read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
      return readFrom(in, Files.size(file));
    }
  }

  private static void writeTo(float[] state, OutputStream out) throws IOException {
    out.write(FORMAT_BYTES);
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(state.length);
    for (float v : state) {
      if (!buf.hasRemaining()) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      buf.putFloat(Float.isNaN(v) ? Float.NaN : v + 0.0f);
    }
    out.write(buf.array(), 0, buf.position());
  }

  private static float[] readFrom(InputStream raw, long size) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    try {
      byte[] tag = new byte[FORMAT_BYTES.length];
      in.readFully(tag);
      if (!Arrays.equals(tag, FORMAT_BYTES)) {
        throw new IOException("not a training state of format " + FORMAT);
      }
      byte[] count = new byte[8];
      in.readFully(count);
      long n = ByteBuffer.wrap(count).order(ByteOrder.LITTLE_ENDIAN).getLong();
      long expected = FORMAT_BYTES.length + 8L + 4L * n;
      if (n < 0 || n > Integer.MAX_VALUE - 8 || expected != size) {
        throw new IOException("training state claims " + n + " values but has " + size + " bytes");
      }
      float[] out = new float[(int) n];
      byte[] chunk = new byte[CHUNK];
      int done = 0;
      while (done < out.length) {
        int take = Math.min(CHUNK / 4, out.length - done);
        in.readFully(chunk, 0, take * 4);
        ByteBuffer.wrap(chunk, 0, take * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, done, take);
        done += take;
      }
      return out;
    } catch (EOFException e) {
      throw new IOException("training state is truncated (" + size + " bytes)", e);
    }
  }
}
