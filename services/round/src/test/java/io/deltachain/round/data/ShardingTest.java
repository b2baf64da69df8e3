package io.deltachain.round.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.ContentHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ShardingTest {
  private static final ContentHash DATA = DatasetRegistry.hashOf(List.of("doc a", "doc b", "doc c"));
  private static final ContentHash OTHER = DatasetRegistry.hashOf(List.of("doc a", "doc b"));

  @Test
  @DisplayName("the permutation is a permutation, and the same inputs give the same one")
  void permutationIsDeterministic() {
    int[] p = Sharding.permutation(DATA, 42, 1000);
    assertThat(Arrays.stream(p).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, 1000).toArray());
    assertThat(Sharding.permutation(DATA, 42, 1000)).isEqualTo(p);
    assertThat(Sharding.permutation(DATA, 43, 1000)).isNotEqualTo(p);
    assertThat(Sharding.permutation(OTHER, 42, 1000)).isNotEqualTo(p);
    assertThat(Sharding.permutation(DATA, 42, 0)).isEmpty();
  }

  @Test
  @DisplayName("the first draw follows the documented SHA-256 counter-mode stream")
  void firstDrawMatchesTheSpec() throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update("deltachain-shuffle-v1".getBytes(StandardCharsets.US_ASCII));
    d.update((byte) 0);
    d.update(DATA.bytes());
    d.update(ByteBuffer.allocate(8).putLong(7).array());
    d.update(ByteBuffer.allocate(8).putLong(0).array());
    long first = ByteBuffer.wrap(d.digest()).getLong();
    int j = (int) Long.remainderUnsigned(first, 2); // bound 2 divides 2^64: no rejection
    int[] p = Sharding.permutation(DATA, 7, 2);
    assertThat(p).isEqualTo(j == 1 ? new int[] {0, 1} : new int[] {1, 0});
  }

  @Test
  @DisplayName("shards partition the dataset, sizes differ by at most one")
  void shardsPartition() {
    int n = 103;
    int count = 4;
    Set<Integer> all = new HashSet<>();
    int[] perm = Sharding.permutation(DATA, 9, n);
    int offset = 0;
    for (int s = 0; s < count; s++) {
      int[] shard = Sharding.shard(DATA, 9, s, count, n);
      assertThat(shard.length).isBetween(n / count, n / count + 1);
      assertThat(shard).isEqualTo(Arrays.copyOfRange(perm, offset, offset + shard.length));
      offset += shard.length;
      for (int i : shard) {
        assertThat(all.add(i)).as("index %d in one shard only", i).isTrue();
      }
    }
    assertThat(all).hasSize(n);
    assertThat(Sharding.shardSize(n, 0, count)).isEqualTo(26);
    assertThat(Sharding.shardSize(n, 3, count)).isEqualTo(25);
  }

  @Test
  @DisplayName("shuffling is roughly uniform: where item 0 lands over many seeds")
  void roughlyUniform() {
    int[] landed = new int[4];
    for (long seed = 0; seed < 4000; seed++) {
      int[] p = Sharding.permutation(DATA, seed, 4);
      for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
          landed[i]++;
        }
      }
    }
    for (int c : landed) {
      assertThat(c).isBetween(850, 1150);
    }
  }

  @Test
  @DisplayName("seeds derive from the round id and dataset; bad shard arguments are named")
  void seedsAndErrors() {
    assertThat(Sharding.roundSeed("r1", DATA)).isEqualTo(Sharding.roundSeed("r1", DATA))
        .isNotEqualTo(Sharding.roundSeed("r2", DATA))
        .isNotEqualTo(Sharding.evalSeed("r1", DATA));
    assertThatThrownBy(() -> Sharding.shard(DATA, 1, 4, 4, 10)).hasMessageContaining("shard index must be in 0..3, got 4");
    assertThatThrownBy(() -> Sharding.shard(DATA, 1, 0, 0, 10)).hasMessageContaining("shard count must be positive");
  }

  @Test
  @DisplayName("datasets are registered by content hash; the same documents register once")
  void registry() {
    DatasetRegistry reg = new DatasetRegistry();
    Dataset a = reg.register("europarl-sample", List.of("one", "two", "three"));
    Dataset again = reg.register("another name", List.of("one", "two", "three"));
    assertThat(again).isSameAs(a);
    assertThat(a.hash()).isEqualTo(ContentHash.sha256("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(a.bytes()).isEqualTo(14);
    assertThat(reg.find(a.hash().hex())).contains(a);
    assertThat(reg.find("europarl-sample")).contains(a);
    assertThat(Sharding.shardDocuments(a, 5, 0, 1)).containsExactlyInAnyOrder("one", "two", "three");
    assertThatThrownBy(() -> reg.register("bad", List.of("line\nbreak"))).hasMessageContaining("line break");
    assertThatThrownBy(() -> reg.register("empty", List.of())).hasMessageContaining("no documents");
  }
}
