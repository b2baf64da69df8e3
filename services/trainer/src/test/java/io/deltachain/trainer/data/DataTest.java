package io.deltachain.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {

  private static Corpus numbered(int n) {
    return Corpus.of("numbered", IntStream.range(0, n).mapToObj(i -> "document number " + i).toList());
  }

  @Test
  @DisplayName("shards are disjoint, cover every non-held-out document and depend only on (dataset, seed, count)")
  void shardPlan() {
    Corpus c = numbered(101);
    ShardPlan p = new ShardPlan(c.hash(), 5, 3, 10);
    Set<String> seen = new HashSet<>(p.heldOutDocuments(c));
    assertThat(seen).hasSize(10);
    for (int s = 0; s < 3; s++) {
      for (String d : p.shard(c, s)) {
        assertThat(seen.add(d)).as("document %s appears once", d).isTrue();
      }
    }
    assertThat(seen).hasSize(101);
    assertThat(new ShardPlan(c.hash(), 5, 3, 10).shard(c, 1)).isEqualTo(p.shard(c, 1));
    assertThat(new ShardPlan(c.hash(), 6, 3, 10).shard(c, 1)).isNotEqualTo(p.shard(c, 1));
    // the held-out set is the dataset's, whatever the round's seed and shard count: rounds evaluate alike
    assertThat(new ShardPlan(c.hash(), 6, 2, 10).heldOutDocuments(c)).isEqualTo(p.heldOutDocuments(c));
    assertThat(new ShardPlan(c.hash(), 6, 2, 10).heldOutSeed()).isEqualTo(p.heldOutSeed());
    assertThatThrownBy(() -> p.shard(numbered(5), 0)).hasMessageContaining("hash");
  }

  @Test
  @DisplayName("packed batches are shifted next-token pairs, reproducible, and seek lands on the same batch")
  void packing() {
    PackedBatches a = new PackedBatches(List.of("hello world", "second doc", "third one here"), new ByteTokenizer(256),
        2, 5, 9, "t");
    Batch b0 = a.next();
    assertThat(b0.labels()[0][0]).isEqualTo(b0.inputs()[0][1]);
    Batch b1 = a.next();
    Batch b7 = a.batchAt(7);
    PackedBatches again = new PackedBatches(List.of("hello world", "second doc", "third one here"),
        new ByteTokenizer(256), 2, 5, 9, "t");
    again.seek(1);
    assertThat(again.next().inputs()).isEqualTo(b1.inputs());
    again.seek(7);
    assertThat(again.next().labels()).isEqualTo(b7.labels());
    assertThat(PackedBatches.pack(List.of("ab"), new ByteTokenizer(256))).containsExactly(97, 98, ByteTokenizer.EOS);
  }

  @Test
  @DisplayName("JSONL and text loaders read documents and name the bad line")
  void loaders(@TempDir Path dir) throws IOException {
    Path jsonl = dir.resolve("d.jsonl");
    Files.writeString(jsonl, "{\"text\":\"one\"}\n\n{\"text\":\"two\"}\n");
    assertThat(Corpus.fromJsonl(jsonl, "text").documents()).containsExactly("one", "two");
    Files.writeString(jsonl, "{\"text\":\"one\"}\n{\"body\":2}\n");
    assertThatThrownBy(() -> Corpus.fromJsonl(jsonl, "text")).hasMessageContaining("line 2");
    Path txt = dir.resolve("d.txt");
    Files.writeString(txt, "para one\nstill one\n\npara two\n");
    assertThat(Corpus.fromText(txt).documents()).containsExactly("para one\nstill one", "para two");
    Corpus ep = Corpus.europarl(20);
    assertThat(ep.documents()).hasSize(20).allMatch(d -> d.length() > 20);
  }

  @Test
  @DisplayName("a Hugging Face tokenizer.json loads offline and round-trips text")
  void hfTokenizer(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("tokenizer.json");
    Files.writeString(json, """
        {"version":"1.0","truncation":null,"padding":null,
         "added_tokens":[{"id":0,"content":"</s>","single_word":false,"lstrip":false,"rstrip":false,
           "normalized":false,"special":true}],
         "normalizer":null,"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,
         "decoder":null,
         "model":{"type":"WordLevel","vocab":{"</s>":0,"the":1,"parliament":2,"votes":3,"[UNK]":4},
           "unk_token":"[UNK]"}}
        """);
    try (HfTokenizer t = new HfTokenizer(json, 8, "</s>")) {
      assertThat(t.eosId()).isEqualTo(0);
      assertThat(t.encode("the parliament votes")).containsExactly(1, 2, 3);
      assertThat(t.decode(new int[] {1, 2, 3})).contains("parliament");
      assertThat(t.id()).startsWith("hf:");
    }
    try (HfTokenizer t = new HfTokenizer(json, 3, "</s>")) {
      assertThatThrownBy(() -> t.encode("votes")).hasMessageContaining("vocab_size");
    }
  }
}
