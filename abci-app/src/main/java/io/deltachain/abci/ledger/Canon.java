package io.deltachain.abci.ledger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * deltachain's own canonical byte layout for ledger records: fixed field order, big-endian
 * fixed-width integers, u32 length prefixes for byte strings and UTF-8 text, and a leading
 * format version byte per record. The app hash is computed over these bytes, never over
 * protobuf re-serializations (whose encoding is not canonical).
 */
public final class Canon {
  private Canon() {}

  /** Appends fields in order. */
  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    /** Starts a record of format {@code version}. */
    public Writer(int version) {
      out.write(version);
    }

    public Writer u8(int v) {
      out.write(v);
      return this;
    }

    public Writer bool(boolean v) {
      out.write(v ? 1 : 0);
      return this;
    }

    public Writer i32(int v) {
      out.write(v >>> 24);
      out.write(v >>> 16);
      out.write(v >>> 8);
      out.write(v);
      return this;
    }

    public Writer i64(long v) {
      for (int s = 56; s >= 0; s -= 8) {
        out.write((int) (v >>> s));
      }
      return this;
    }

    public Writer bytes(byte[] v) {
      byte[] b = v == null ? new byte[0] : v;
      i32(b.length);
      out.writeBytes(b);
      return this;
    }

    public Writer str(String v) {
      return bytes((v == null ? "" : v).getBytes(StandardCharsets.UTF_8));
    }

    public Writer strings(List<String> v) {
      i32(v.size());
      v.forEach(this::str);
      return this;
    }

    public Writer byteList(List<byte[]> v) {
      i32(v.size());
      v.forEach(this::bytes);
      return this;
    }

    public byte[] toBytes() {
      return out.toByteArray();
    }
  }

  /** Reads fields in the order they were written; rejects unknown versions and short input. */
  public static final class Reader {
    private final byte[] in;
    private int pos;
    private final int version;

    /**
     * @param what record name, for error messages
     * @param maxVersion the newest format this code understands
     */
    public Reader(byte[] in, String what, int maxVersion) {
      this.in = in;
      if (in.length == 0) {
        throw new IllegalStateException("empty " + what + " record");
      }
      this.version = in[0] & 0xff;
      this.pos = 1;
      if (version < 1 || version > maxVersion) {
        throw new IllegalStateException(what + " record has format version " + version
            + "; this build reads versions 1.." + maxVersion);
      }
    }

    public int version() {
      return version;
    }

    private void need(int n) {
      if (n < 0 || pos + n > in.length) {
        throw new IllegalStateException("truncated ledger record: need " + n + " bytes at offset " + pos + " of " + in.length);
      }
    }

    public int u8() {
      need(1);
      return in[pos++] & 0xff;
    }

    public boolean bool() {
      return u8() != 0;
    }

    public int i32() {
      need(4);
      int v = ((in[pos] & 0xff) << 24) | ((in[pos + 1] & 0xff) << 16) | ((in[pos + 2] & 0xff) << 8) | (in[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    public long i64() {
      need(8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (in[pos + i] & 0xff);
      }
      pos += 8;
      return v;
    }

    public byte[] bytes() {
      int n = i32();
      need(n);
      byte[] b = new byte[n];
      System.arraycopy(in, pos, b, 0, n);
      pos += n;
      return b;
    }

    public String str() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    public List<String> strings() {
      int n = i32();
      List<String> r = new ArrayList<>(Math.min(n, 1024));
      for (int i = 0; i < n; i++) {
        r.add(str());
      }
      return r;
    }

    public List<byte[]> byteList() {
      int n = i32();
      List<byte[]> r = new ArrayList<>(Math.min(n, 1024));
      for (int i = 0; i < n; i++) {
        r.add(bytes());
      }
      return r;
    }
  }
}
