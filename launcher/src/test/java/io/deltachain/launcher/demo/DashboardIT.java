package io.deltachain.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.round.RoundServiceVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator dashboard in a real browser (Debian's headless Chromium driven by playwright-core),
 * with screenshots in {@code target/dashboard-screenshots}.
 */
class DashboardIT {

  @Test
  @DisplayName("a devnet round on the page: listed, a loss curve drawn with points, the rejected delta's reason, the new checkpoint in the lineage graph, at laptop and phone widths")
  void devnetRound() throws Exception {
    BrowserCheck.requireBrowser();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    try (Devnet net = new Devnet(Devnet.Settings.demo(), null, out)) {
      net.start();
      DemoRound.Result r = new DemoRound(net, out, 30).run();
      System.out.println(buf.toString(StandardCharsets.UTF_8) + DemoRound.table(r));
      assertThat(r.roundStatus()).isEqualTo("FINALIZED");
      DemoRound.DeltaOutcome poisoned = r.deltas().stream().filter(DemoRound.DeltaOutcome::poisoned).findFirst()
          .orElseThrow();
      assertThat(poisoned.status()).isEqualTo("REJECTED");
      String reason = poisoned.reasons().get(0);
      JsonObject seen = BrowserCheck.check("round", net.roundApiUrl() + "/dashboard/", new JsonObject()
          .put("roundId", r.roundId()).put("reason", reason).put("checkpoint", r.checkpointHash()));
      System.out.println("dashboard check: " + seen.encode());
      // every trainer (the poisoning one trains honestly before flipping its delta) draws a curve
      assertThat(seen.getInteger("curves")).isEqualTo(3);
      assertThat(seen.getInteger("lossPoints")).isGreaterThanOrEqualTo(3 * 10);
      assertThat(seen.getJsonArray("rejectedReasons").encode()).contains(reason);
      assertThat(seen.getInteger("lineageCheckpoints")).isGreaterThanOrEqualTo(1);
      assertThat(seen.getInteger("contributingDeltas")).isEqualTo(2);
      // one badge per counted verdict: the demo's validators have power 1 each, and verdicts that
      // arrive after a delta is decided are not counted by the ledger
      long counted = r.deltas().stream().mapToLong(d -> d.approvePower() + d.rejectPower()).sum();
      assertThat(seen.getInteger("votes")).isEqualTo((int) counted).isGreaterThanOrEqualTo(3 + 3 + 2);
      assertThat(seen.getInteger("phoneLossPoints")).isEqualTo(seen.getInteger("lossPoints"));
      for (String shot : new String[] {"round-laptop.png", "round-phone.png"}) {
        assertThat(BrowserCheck.SCREENSHOTS.resolve(shot)).isNotEmptyFile();
      }
    }
  }

  @Test
  @DisplayName("with no data yet the page says the network is empty and draws no chart, at laptop and phone widths")
  void emptyNetwork() throws Exception {
    BrowserCheck.requireBrowser();
    Vertx vertx = Vertx.vertx();
    try {
      RoundServiceVerticle round = RoundServiceVerticle.inMemory();
      Devnet.await(vertx.deployVerticle(round, new DeploymentOptions().setConfig(new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)))), 60);
      JsonObject seen = BrowserCheck.check("empty", "http://127.0.0.1:" + round.actualPort() + "/dashboard/", null);
      assertThat(seen.getString("emptyText")).contains("This network is empty");
      assertThat(seen.getInteger("charts")).isZero();
      assertThat(seen.getInteger("phoneOverflowPx")).isLessThanOrEqualTo(1);
      assertThat(BrowserCheck.SCREENSHOTS.resolve("empty-laptop.png")).isNotEmptyFile();
      assertThat(BrowserCheck.SCREENSHOTS.resolve("empty-phone.png")).isNotEmptyFile();
      assertThat(Files.size(BrowserCheck.SCREENSHOTS.resolve("empty-phone.png"))).isPositive();
    } finally {
      Devnet.await(vertx.close(), 30);
    }
  }
}
