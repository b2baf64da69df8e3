package io.deltachain.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two consecutive rounds on the same layer of a real devnet (4 CometBFT validators, 2 honest
 * trainers, the round service over HTTP): the second round is coherent with the first. Its
 * StartRound declares the first round's checkpoint as the layer's base and fixes its own training
 * settings and data seed on chain; trainers train from that checkpoint and validators evaluate
 * and replay from it, so the second round's loss before is the first round's loss after, its
 * honest deltas replay exactly, and its checkpoint's parent is the first round's.
 */
class TwoRoundsIT {
  static final int STEPS = 30;

  @Test
  @DisplayName("round 2 on the layer round 1 trained starts from round 1's checkpoint: declared base, eval loss before = round 1's after, replays match, new head whose parent is round 1's checkpoint")
  void secondRoundBuildsOnTheFirst() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    DemoRound.Result first;
    DemoRound.Result second;
    JsonObject round1;
    JsonObject round2;
    JsonObject checkpoint2;
    java.util.Set<String> trainedOn = new java.util.TreeSet<>();
    try (Devnet net = new Devnet(new Devnet.Settings(4, 2, 0, "tiny-1m", 7, 600, 20_250_501L, 2, 8, 64), null, out)) {
      net.start();
      first = new DemoRound(net, out, STEPS).run();
      second = new DemoRound(net, out, STEPS).run();
      round1 = Devnet.await(net.coordinatorChain().queryJson("/round/" + first.roundId()), 30);
      round2 = Devnet.await(net.coordinatorChain().queryJson("/round/" + second.roundId()), 30);
      checkpoint2 = second.checkpointHash() == null ? null
          : Devnet.await(net.coordinatorChain().queryJson("/checkpoint/" + second.checkpointHash()), 30);
      // what the trainers trained on, as every delta file they wrote names it
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(net.dir())) {
        for (java.nio.file.Path f : files.filter(f -> f.getFileName().toString().matches("delta-.*\\.safetensors"))
            .toList()) {
          trainedOn.add(String.valueOf(io.deltachain.core.delta.DeltaFile.readMetadata(f).metrics().get("dataset_hash")));
        }
      }
    } finally {
      System.out.println(buf.toString(StandardCharsets.UTF_8));
    }
    System.out.println(DemoRound.table(first) + DemoRound.table(second));
    String layer = first.layer();

    assertThat(first.roundStatus()).isEqualTo("FINALIZED");
    assertThat(first.checkpointHash()).as("round 1's checkpoint").isNotNull();
    assertThat(second.layer()).isEqualTo(layer);

    // round 2 declares round 1's checkpoint as the layer's base, on chain
    assertThat(second.baseHash()).isEqualTo(first.checkpointHash());
    assertThat(round2.getJsonObject("base_checkpoints").getString(layer)).isEqualTo(first.checkpointHash());
    // each round fixes its training settings on chain, with a data seed of its own
    for (JsonObject r : new JsonObject[] {round1, round2}) {
      JsonObject t = r.getJsonObject("training");
      assertThat(t.getInteger("steps")).isEqualTo(STEPS);
      assertThat(t.getString("dataset")).isEqualTo("europarl:600");
      assertThat(t.getString("base_model")).isEqualTo("random:7");
    }
    assertThat(round2.getJsonObject("training").getString("data_seed"))
        .isNotEqualTo(round1.getJsonObject("training").getString("data_seed"));
    // both rounds use the same filtered data: the same train set and eval set, by hash on chain
    assertThat(round1.getString("dataset_hash")).matches("[0-9a-f]{64}");
    assertThat(round2.getString("dataset_hash")).isEqualTo(round1.getString("dataset_hash"));
    assertThat(round2.getString("eval_set_hash")).isEqualTo(round1.getString("eval_set_hash"))
        .isNotEqualTo(round1.getString("dataset_hash"));
    // every delta the trainers wrote was trained on exactly the train set under dataset_hash on chain
    assertThat(trainedOn).containsExactly(round1.getString("dataset_hash"));

    // validators evaluate round 2 on round 1's checkpoint: its "before" is round 1's "after"
    assertThat(second.evalLossBefore()).isCloseTo(first.evalLossAfter(), within(1e-4));
    assertThat(first.evalLossAfter()).isLessThan(first.evalLossBefore());

    // honest deltas of round 2 are accepted and replay exactly from round 1's checkpoint
    assertThat(second.deltas()).hasSize(2).allSatisfy(d -> {
      assertThat(d.status()).isEqualTo("ACCEPTED");
      assertThat(d.spotChecks()).hasSize(4).allSatisfy(c -> assertThat(c).startsWith("MATCH replay of segment"));
      assertThat(d.disputes()).isZero();
    });

    // round 2 finalizes with a new head whose parent is round 1's checkpoint
    assertThat(second.roundStatus()).isEqualTo("FINALIZED");
    assertThat(second.checkpointHash()).isNotNull().isNotEqualTo(first.checkpointHash());
    assertThat(second.headByNode()).hasSize(4).allSatisfy((node, head) -> assertThat(head).isEqualTo(second.checkpointHash()));
    assertThat(checkpoint2.getString("parent")).isEqualTo(first.checkpointHash());
  }
}
