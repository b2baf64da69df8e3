package io.deltachain.abci.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  private static String root(byte[]... items) {
    List<byte[]> leaves = new ArrayList<>();
    for (byte[] i : items) {
      leaves.add(MerkleTree.leafHash(i));
    }
    return HEX.formatHex(MerkleTree.rootOfLeafHashes(leaves));
  }

  @Test
  @DisplayName("roots match CometBFT's crypto/merkle HashFromByteSlices test vectors")
  void cometbftVectors() {
    assertThat(root()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(root(new byte[] {1, 2, 3})).isEqualTo("054edec1d0211f624fed0cbca9d4f9400b0e491c43742af2c5b0abebf0c990d8");
    assertThat(root(new byte[0])).isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    assertThat(root(new byte[] {1, 2, 3}, new byte[] {4, 5, 6}))
        .isEqualTo("82e6cfce00453804379b53962939eaa7906b39904be0813fcadd31b100773c4b");
    assertThat(root(new byte[] {1, 2}, new byte[] {3, 4}, new byte[] {5, 6}, new byte[] {7, 8}, new byte[] {9, 10}))
        .isEqualTo("f326493eceab4f2d9ffbc78c59432a0a005d6ea98392045c74df5d14a113be18");
  }

  @Test
  @DisplayName("three leaves split 2 + 1: root = inner(inner(l0, l1), l2)")
  void splitAtLargestPowerOfTwoBelowN() {
    byte[] l0 = MerkleTree.leafHash(new byte[] {0});
    byte[] l1 = MerkleTree.leafHash(new byte[] {1});
    byte[] l2 = MerkleTree.leafHash(new byte[] {2});
    assertThat(MerkleTree.rootOfLeafHashes(List.of(l0, l1, l2)))
        .isEqualTo(MerkleTree.innerHash(MerkleTree.innerHash(l0, l1), l2));
    assertThat(MerkleTree.splitPoint(4)).isEqualTo(2);
    assertThat(MerkleTree.splitPoint(5)).isEqualTo(4);
  }

  @Test
  @DisplayName("every leaf's audit path verifies for trees of 1 to 33 leaves, and a changed item or index does not")
  void proofsVerify() {
    for (int n = 1; n <= 33; n++) {
      List<byte[]> items = new ArrayList<>();
      List<byte[]> leaves = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] item = ("item-" + i).getBytes();
        items.add(item);
        leaves.add(MerkleTree.leafHash(item));
      }
      byte[] root = MerkleTree.rootOfLeafHashes(leaves);
      for (int i = 0; i < n; i++) {
        List<byte[]> path = MerkleTree.auditPath(leaves, i);
        assertThat(MerkleTree.verify(root, i, n, items.get(i), path)).as("n=%d i=%d", n, i).isTrue();
        assertThat(MerkleTree.verify(root, i, n, "forged".getBytes(), path)).isFalse();
        if (n > 1) {
          assertThat(MerkleTree.verify(root, (i + 1) % n, n, items.get(i), path)).isFalse();
        }
      }
    }
  }
}
