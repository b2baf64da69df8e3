package io.deltachain.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.round.RoundServiceVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator dashboard in a real browser (Debian's headless Chromium driven by playwright-core),
 * with screenshots in {@code target/dashboard-screenshots}.
 */
class DashboardIT {

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
