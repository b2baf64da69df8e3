package io.deltachain.abci.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The committed ledger state (sorted key/value entries), its height and app hash, and a cache
 * of each entry's Merkle leaf hash so that a block only hashes the entries it changed, plus
 * the inner nodes.
 *
 * <p>The app hash is the {@link MerkleTree} root over the leaf items
 * {@link MerkleTree#stateItem(String, byte[])} of every entry in key order.
 */
public final class StateTree {
  private final TreeMap<String, byte[]> data;
  private final TreeMap<String, byte[]> leafHashes = new TreeMap<>();
  private long height;
  private byte[] appHash;

  /** Wraps loaded state; leaf hashes are computed here once. */
  public StateTree(NavigableMap<String, byte[]> entries, long height, byte[] appHash) {
    this.data = new TreeMap<>(entries);
    for (Map.Entry<String, byte[]> e : data.entrySet()) {
      leafHashes.put(e.getKey(), MerkleTree.leafHash(MerkleTree.stateItem(e.getKey(), e.getValue())));
    }
    this.height = height;
    this.appHash = appHash;
  }

  /** The committed entries (do not modify). */
  public NavigableMap<String, byte[]> data() {
    return Collections.unmodifiableNavigableMap(data);
  }

  /** The committed entries for overlays (callers must not write). */
  NavigableMap<String, byte[]> dataForOverlay() {
    return data;
  }

  public long height() {
    return height;
  }

  public byte[] appHash() {
    return appHash.clone();
  }

  /** The root this state would have after {@code writes} (null values delete). */
  public byte[] rootWith(NavigableMap<String, byte[]> writes) {
    List<byte[]> leaves = new ArrayList<>(data.size() + writes.size());
    Iterator<Map.Entry<String, byte[]>> a = leafHashes.entrySet().iterator();
    Iterator<Map.Entry<String, byte[]>> b = writes.entrySet().iterator();
    Map.Entry<String, byte[]> ea = a.hasNext() ? a.next() : null;
    Map.Entry<String, byte[]> eb = b.hasNext() ? b.next() : null;
    while (ea != null || eb != null) {
      int c = ea == null ? 1 : eb == null ? -1 : ea.getKey().compareTo(eb.getKey());
      if (c < 0) {
        leaves.add(ea.getValue());
        ea = a.hasNext() ? a.next() : null;
      } else {
        if (eb.getValue() != null) {
          leaves.add(MerkleTree.leafHash(MerkleTree.stateItem(eb.getKey(), eb.getValue())));
        }
        if (c == 0) {
          ea = a.hasNext() ? a.next() : null;
        }
        eb = b.hasNext() ? b.next() : null;
      }
    }
    return MerkleTree.rootOfLeafHashes(leaves);
  }

  /** The root of the committed entries. */
  public byte[] root() {
    return MerkleTree.rootOfLeafHashes(new ArrayList<>(leafHashes.values()));
  }

  /** Applies committed writes and records the new height and app hash. */
  public void apply(NavigableMap<String, byte[]> writes, long newHeight, byte[] newAppHash) {
    for (Map.Entry<String, byte[]> e : writes.entrySet()) {
      if (e.getValue() == null) {
        data.remove(e.getKey());
        leafHashes.remove(e.getKey());
      } else {
        data.put(e.getKey(), e.getValue());
        leafHashes.put(e.getKey(), MerkleTree.leafHash(MerkleTree.stateItem(e.getKey(), e.getValue())));
      }
    }
    this.height = newHeight;
    this.appHash = newAppHash.clone();
  }

  /** A Merkle inclusion proof of one committed key, or null when the key is absent. */
  public Proof proof(String key) {
    byte[] value = data.get(key);
    if (value == null) {
      return null;
    }
    List<byte[]> leaves = new ArrayList<>(leafHashes.values());
    int index = leafHashes.headMap(key, false).size();
    return new Proof(key, value, index, leaves.size(), MerkleTree.auditPath(leaves, index), MerkleTree.rootOfLeafHashes(leaves));
  }

  /**
   * An inclusion proof: the item {@code stateItem(key, value)} is leaf {@code index} of
   * {@code total}, and hashing it up through {@code aunts} (sibling first) gives {@code root}.
   */
  public record Proof(String key, byte[] value, int index, int total, List<byte[]> aunts, byte[] root) {
    /** True when the proof hashes up to {@code expectedRoot}. */
    public boolean verify(byte[] expectedRoot) {
      return MerkleTree.verify(expectedRoot, index, total, MerkleTree.stateItem(key, value), aunts);
    }
  }
}
