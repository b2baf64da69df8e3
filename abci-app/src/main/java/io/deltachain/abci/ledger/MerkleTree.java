package io.deltachain.abci.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.deltachain.core.content.ContentHash;

/**
 * RFC 6962 style Merkle tree, as CometBFT's {@code crypto/merkle}: leaf = SHA-256(0x00 || item),
 * inner = SHA-256(0x01 || left || right), the left subtree holds the largest power of two
 * strictly below n leaves, and the empty tree hashes to SHA-256(""). Proof aunts are listed
 * from the leaf's sibling upwards, as in CometBFT's {@code Proof.Aunts}.
 */
public final class MerkleTree {
  private static final byte[] EMPTY = ContentHash.sha256(new byte[0]).bytes();

  private MerkleTree() {}

  /** SHA-256(0x00 || item). */
  public static byte[] leafHash(byte[] item) {
    MessageDigest md = ContentHash.newDigest();
    md.update((byte) 0);
    md.update(item);
    return md.digest();
  }

  /** SHA-256(0x01 || left || right). */
  public static byte[] innerHash(byte[] left, byte[] right) {
    MessageDigest md = ContentHash.newDigest();
    md.update((byte) 1);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** The leaf item for a state entry: u32 key length, key, u32 value length, value. */
  public static byte[] stateItem(String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] item = new byte[8 + k.length + value.length];
    putInt(item, 0, k.length);
    System.arraycopy(k, 0, item, 4, k.length);
    putInt(item, 4 + k.length, value.length);
    System.arraycopy(value, 0, item, 8 + k.length, value.length);
    return item;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /** The largest power of two strictly less than {@code n} (n >= 2). */
  static int splitPoint(int n) {
    if (n < 2) {
      throw new IllegalArgumentException("split point needs at least 2 leaves, got " + n);
    }
    int k = Integer.highestOneBit(n);
    return k == n ? k >>> 1 : k;
  }

  /** The root over precomputed leaf hashes. */
  public static byte[] rootOfLeafHashes(List<byte[]> leafHashes) {
    if (leafHashes.isEmpty()) {
      return EMPTY.clone();
    }
    return root(leafHashes, 0, leafHashes.size());
  }

  private static byte[] root(List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return leaves.get(from);
    }
    int k = splitPoint(n);
    return innerHash(root(leaves, from, from + k), root(leaves, from + k, to));
  }

  /** The audit path of leaf {@code index}, sibling first. */
  public static List<byte[]> auditPath(List<byte[]> leafHashes, int index) {
    if (index < 0 || index >= leafHashes.size()) {
      throw new IllegalArgumentException("leaf index " + index + " outside 0.." + (leafHashes.size() - 1));
    }
    List<byte[]> aunts = new ArrayList<>();
    path(leafHashes, 0, leafHashes.size(), index, aunts);
    return aunts;
  }

  private static void path(List<byte[]> leaves, int from, int to, int index, List<byte[]> aunts) {
    int n = to - from;
    if (n == 1) {
      return;
    }
    int k = splitPoint(n);
    if (index < from + k) {
      path(leaves, from, from + k, index, aunts);
      aunts.add(root(leaves, from + k, to));
    } else {
      path(leaves, from + k, to, index, aunts);
      aunts.add(root(leaves, from, from + k));
    }
  }

  /**
   * Recomputes the root from a leaf hash and its audit path (CometBFT's
   * {@code computeHashFromAunts}); null when the path has the wrong length.
   */
  public static byte[] rootFromPath(int index, int total, byte[] leafHash, List<byte[]> aunts) {
    if (index < 0 || total <= 0 || index >= total) {
      return null;
    }
    if (total == 1) {
      return aunts.isEmpty() ? leafHash : null;
    }
    if (aunts.isEmpty()) {
      return null;
    }
    int k = splitPoint(total);
    List<byte[]> rest = aunts.subList(0, aunts.size() - 1);
    byte[] last = aunts.get(aunts.size() - 1);
    if (index < k) {
      byte[] left = rootFromPath(index, k, leafHash, rest);
      return left == null ? null : innerHash(left, last);
    }
    byte[] right = rootFromPath(index - k, total - k, leafHash, rest);
    return right == null ? null : innerHash(last, right);
  }

  /** True when the item at {@code index} of {@code total} leaves hashes up to {@code root}. */
  public static boolean verify(byte[] root, int index, int total, byte[] item, List<byte[]> aunts) {
    byte[] computed = rootFromPath(index, total, leafHash(item), aunts);
    return computed != null && Arrays.equals(computed, root);
  }
}
