package io.deltachain.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The demo flow as a user runs it ({@code deltachain demo}): four real CometBFT validators, the
 * round service started over HTTP, two honest trainers and one poisoning trainer scheduled by it,
 * real verdicts, each validator's own aggregation and checkpoint vote, FinalizeRound by the
 * round service.
 */
class DemoIT {

  @Test
  @DisplayName("the demo round finalizes: the poisoned delta is rejected with its reason, honest ones accepted, the head moves to the agreed checkpoint on all 4 validators, eval loss falls")
  void demoRound() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    DemoRound.Result r;
    try (Devnet net = new Devnet(Devnet.Settings.demo(), null, out)) {
      net.start();
      r = new DemoRound(net, out, 60).run();
    }
    String table = DemoRound.table(r);
    System.out.println(buf.toString(StandardCharsets.UTF_8) + table);

    assertThat(r.roundStatus()).isEqualTo("FINALIZED");
    assertThat(r.deltas()).hasSize(3);
    assertThat(r.deltas()).filteredOn(DemoRound.DeltaOutcome::poisoned).singleElement().satisfies(d -> {
      assertThat(d.status()).isEqualTo("REJECTED");
      assertThat(d.reasons()).isNotEmpty();
      assertThat(d.rejectPower()).isGreaterThanOrEqualTo(2);
    });
    assertThat(r.deltas()).filteredOn(d -> !d.poisoned()).hasSize(2)
        .allSatisfy(d -> assertThat(d.status()).isEqualTo("ACCEPTED"));
    assertThat(r.checkpointHash()).isNotEqualTo(r.baseHash());
    assertThat(r.headByNode()).hasSize(4).allSatisfy((node, head) -> assertThat(head).isEqualTo(r.checkpointHash()));
    assertThat(r.appHashByNode().values()).hasSize(4).doesNotContainNull().containsOnly(r.appHashByNode().get(0));
    assertThat(r.evalLossAfter()).isLessThan(r.evalLossBefore());
    assertThat(table).contains("REJECTED", "ACCEPTED", r.checkpointHash());
    // the round service drove it: it finalized on chain and accounted for the round
    assertThat(r.finalizeHeight()).isPositive().isLessThanOrEqualTo(r.height());
    assertThat(r.cost().getLong("stored_bytes")).isPositive();
    assertThat(r.cost().getDouble("gpu_seconds")).isPositive();
    assertThat(table).contains("round cost", "FinalizeRound at " + r.finalizeHeight());
    // more than 2/3 of the power computed the same checkpoint themselves: one proposal, the rest votes for it
    assertThat(r.aggregated()).hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy((node, what) -> assertThat(what).endsWith(r.checkpointHash()));
    assertThat(r.aggregated().values()).filteredOn(w -> w.startsWith("proposed")).hasSize(1);
  }
}
