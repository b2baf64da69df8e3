package io.deltachain.round.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.round.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CostAndQuotaTest {
  private static final long GIB = 1L << 30;

  @Test
  @DisplayName("a round's cost is GPU time by class times its price, plus storage and transfer")
  void roundCost() {
    GpuPrices prices = new GpuPrices(Map.of("h100", 2_500_000L, "rtx4090", 400_000L), 23_000L, 10_000L);
    CostLedger ledger = new CostLedger(prices, 30L * 24 * 3600);
    ledger.recordGpuTime("r1", "h100", 1_800_000); // half an hour
    ledger.recordGpuTime("r1", "rtx4090", 3_600_000); // an hour
    ledger.recordGpuTime("r1", "rtx4090", 3_600_000);
    ledger.recordStored("r1", 2 * GIB);
    ledger.recordTransferred("r1", 5 * GIB);
    RoundCost cost = ledger.cost("r1");
    assertThat(cost.gpuCostByClass()).containsEntry("h100", 1_250_000L).containsEntry("rtx4090", 800_000L);
    assertThat(cost.gpuSeconds()).isEqualTo(1800 + 7200);
    assertThat(cost.storageCost()).isEqualTo(46_000L);
    assertThat(cost.transferCost()).isEqualTo(50_000L);
    assertThat(cost.totalCost()).isEqualTo(1_250_000L + 800_000L + 46_000L + 50_000L);
    assertThat(cost.toJson().getString("total_cost")).isEqualTo("2.146000");
    assertThat(ledger.cost("other").totalCost()).isZero();
  }

  @Test
  @DisplayName("an unpriced GPU class takes the default price, or is named when there is none")
  void unknownClass() {
    assertThat(GpuPrices.defaults().perGpuHour("gtx1060")).isEqualTo(GpuPrices.defaults().perGpuHour("default"));
    GpuPrices strict = new GpuPrices(Map.of("h100", 1L), 0, 0);
    assertThatThrownBy(() -> strict.perGpuHour("a100")).hasMessageContaining("no price for GPU class 'a100'");
    assertThatThrownBy(() -> new CostLedger(strict, 0).recordStored("r", -1)).hasMessageContaining("must not be negative");
  }

  @Test
  @DisplayName("quotas count per client per window and reset when the window turns")
  void quotas() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    QuotaManager q = new QuotaManager(new QuotaPolicy(3, 1, Duration.ofMinutes(1)),
        Map.of("vip", new QuotaPolicy(100, 5, Duration.ofMinutes(1))), clock);
    assertThat(q.tryRequest("alice").allowed()).isTrue();
    assertThat(q.tryRequest("alice").allowed()).isTrue();
    assertThat(q.tryRequest("alice").used()).isEqualTo(3);
    QuotaDecision denied = q.tryRequest("alice");
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.limit()).isEqualTo("requests");
    assertThat(denied.retryAfterSeconds()).isEqualTo(60);
    assertThat(denied.toJson("alice").getString("message")).contains("alice").contains("3 requests per 60 s");
    assertThat(q.tryRequest("bob").allowed()).as("other clients are counted apart").isTrue();
    assertThat(q.tryStartRound("alice").allowed()).isTrue();
    assertThat(q.tryStartRound("alice").allowed()).isFalse();
    assertThat(q.tryStartRound("vip").allowed()).isTrue();
    assertThat(q.tryStartRound("vip").allowed()).isTrue();
    clock.advance(Duration.ofSeconds(45));
    assertThat(q.tryRequest("alice").retryAfterSeconds()).isEqualTo(15);
    clock.advance(Duration.ofSeconds(15));
    assertThat(q.tryRequest("alice").allowed()).isTrue();
    assertThat(q.tryStartRound("alice").allowed()).isTrue();
  }
}
