package io.deltachain.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.Cid;
import io.deltachain.core.content.ContentHash;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
  @DisplayName("the demo round finalizes: the poisoned delta is rejected with its reason and disputed by replay spot-checks, honest ones accepted and their spot-checks match, the head moves to the agreed checkpoint on all 4 validators, eval loss falls, kubo serves the checkpoint by its CID")
  void demoRound() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    DemoRound.Result r;
    byte[] checkpointFromKubo;
    try (Devnet net = new Devnet(Devnet.Settings.demo(), null, out)) {
      net.start();
      assertThat(net.kubo()).as("the devnet's kubo daemon (the pinned ipfs binary is installed)").isNotNull();
      r = new DemoRound(net, out, 60).run();
      checkpointFromKubo = cat(net.kubo().apiUrl(), r.checkpointCid());
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
    // replay spot-checks: every validator re-executed a chain-chosen segment of each honest delta
    // with the DJL trainer and it matched; the poisoner's honest trace does not produce its delta
    assertThat(r.deltas()).filteredOn(d -> !d.poisoned()).allSatisfy(d -> {
      assertThat(d.spotChecks()).hasSize(4).allSatisfy(c -> assertThat(c).startsWith("MATCH replay of segment"));
      assertThat(d.disputes()).isZero();
    });
    assertThat(r.deltas()).filteredOn(DemoRound.DeltaOutcome::poisoned).singleElement().satisfies(d -> {
      assertThat(d.spotChecks()).hasSize(4).allSatisfy(c -> assertThat(c).startsWith("DELTA_NOT_FINAL_STATE"));
      assertThat(d.disputes()).isEqualTo(4);
    });
    assertThat(r.checkpointHash()).isNotEqualTo(r.baseHash());
    assertThat(r.headByNode()).hasSize(4).allSatisfy((node, head) -> assertThat(head).isEqualTo(r.checkpointHash()));
    assertThat(r.appHashByNode().values()).hasSize(4).doesNotContainNull().containsOnly(r.appHashByNode().get(0));
    assertThat(r.evalLossAfter()).isLessThan(r.evalLossBefore());
    assertThat(table).contains("REJECTED", "ACCEPTED", r.checkpointHash(), "4/4 matched; 0 disputes on chain",
        "0/4 matched (DELTA_NOT_FINAL_STATE); 4 disputes on chain");
    // the round service drove it: it finalized on chain and accounted for the round
    assertThat(r.finalizeHeight()).isPositive().isLessThanOrEqualTo(r.height());
    assertThat(r.cost().getLong("stored_bytes")).isPositive();
    assertThat(r.cost().getDouble("gpu_seconds")).isPositive();
    assertThat(table).contains("round cost", "FinalizeRound at " + r.finalizeHeight());
    // more than 2/3 of the power computed the same checkpoint themselves: one proposal, the rest votes for it
    assertThat(r.aggregated()).hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy((node, what) -> assertThat(what).endsWith(r.checkpointHash()));
    assertThat(r.aggregated().values()).filteredOn(w -> w.startsWith("proposed")).hasSize(1);

    // the new checkpoint is in IPFS: its CID is on chain and in the table, and kubo serves exactly
    // the bytes whose SHA-256 is the checkpoint hash the validators voted on
    assertThat(r.checkpointCid()).isNotEmpty();
    assertThat(Cid.parse(r.checkpointCid()).version()).isEqualTo(1);
    assertThat(table).contains(r.checkpointCid());
    assertThat(ContentHash.sha256(checkpointFromKubo).hex()).isEqualTo(r.checkpointHash());
  }

  /** The bytes of a CID, read from kubo's RPC API ({@code /api/v0/cat}). */
  private static byte[] cat(String apiUrl, String cid) throws Exception {
    HttpResponse<byte[]> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(apiUrl + "/api/v0/cat?arg=" + cid)).POST(HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(res.statusCode()).as("kubo cat %s", cid).isEqualTo(200);
    return res.body();
  }
}
