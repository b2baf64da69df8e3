package io.deltachain.round;

import static io.deltachain.round.testing.Txs.address;
import static io.deltachain.round.testing.Txs.trainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.round.chain.InMemoryRoundChain;
import io.deltachain.round.lifecycle.DeltaStatus;
import io.deltachain.round.lifecycle.RoundState;
import io.deltachain.round.lifecycle.RoundView;
import io.deltachain.round.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RoundServiceRestartTest {
  private static final long GIB = 1L << 30;
  private static final String HASH = "ab".repeat(32);

  private static RoundService service(InMemoryRoundChain chain, MutableClock clock) {
    RoundService s = new RoundService(RoundServiceConfig.defaults(Map.of("t".repeat(20), "ops")), chain, clock,
        new SimpleMeterRegistry());
    assertThat(s.start().succeeded()).isTrue();
    return s;
  }

  /** The state a restarted coordinator must agree on: everything but the local CREATED step. */
  private static List<Object> chainState(List<RoundView> rounds) {
    List<Object> out = new ArrayList<>();
    for (RoundView r : rounds) {
      out.add(List.of(r.roundId(), r.state(), r.reason(), r.startHeight(), r.assignments(), r.deltas(),
          r.checkpoints(), r.partial(), r.trainingDeadline(), r.validationDeadline(), r.aggregationDeadline(),
          r.history().stream().filter(t -> t.state() != RoundState.CREATED).toList()));
    }
    return out;
  }

  @Test
  @DisplayName("a coordinator restarted mid-round rebuilds the round from the chain and carries on to the same end")
  void restartMidRound() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    InMemoryRoundChain chain = new InMemoryRoundChain();
    RoundService first = service(chain, clock);
    for (int i = 1; i <= 2; i++) {
      chain.registerNode(address(i), trainer("t" + i, 8 * GIB, 600, "rtx3070"));
      first.heartbeat(address(i), 600.0);
    }
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      docs.add("document " + i + " about the common agricultural policy");
    }
    first.registerDataset("corpus", docs);
    JsonObject started = first.startRound("ops", new StartRoundRequest("tiny-1m", "lora", "corpus", 1e-4, 2, 1, 8,
        128, null, 40, 10)).result();
    String roundId = started.getString("round_id");
    int layers = first.tracker().round(roundId).orElseThrow().assignments().get(0).lastLayer() + 1;
    List<String> deltas = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      JsonObject d = first.submitDelta(roundId, new SubmitDeltaRequest("model.layers." + l, HASH,
          ContentHash.sha256(("delta " + l).getBytes()).hex(), 3.0, 2.8, 0.4, null, null, 1000L, 4096L)).result();
      deltas.add(d.getString("delta_id"));
    }
    chain.decide(deltas.get(0), DeltaStatus.ACCEPTED, List.of());

    // the coordinator dies here; a new one starts from the chain alone
    RoundService second = service(chain, clock);
    assertThat(chainState(second.tracker().rounds())).isEqualTo(chainState(first.tracker().rounds()));
    assertThat(second.tracker().round(roundId).orElseThrow().state()).isEqualTo(RoundState.TRAINING);
    assertThat(second.registry().all()).hasSize(2);

    for (int i = 1; i < deltas.size(); i++) {
      chain.decide(deltas.get(i), i % 2 == 0 ? DeltaStatus.REJECTED : DeltaStatus.ACCEPTED, List.of("R"));
    }
    chain.advance(41);
    RoundView after = second.tracker().round(roundId).orElseThrow();
    assertThat(after.state()).isIn(RoundState.AGGREGATING, RoundState.VALIDATING);
    for (String layer : after.deltas().stream().filter(d -> d.status() == DeltaStatus.ACCEPTED)
        .map(d -> d.layer()).distinct().toList()) {
      List<String> contributing = after.deltas().stream()
          .filter(d -> d.layer().equals(layer) && d.status() == DeltaStatus.ACCEPTED).map(d -> d.deltaId()).toList();
      chain.acceptCheckpoint(roundId, layer, ContentHash.sha256(layer.getBytes()).hex(), "", 100, contributing);
    }
    assertThat(second.tracker().round(roundId).orElseThrow().state()).isEqualTo(RoundState.FINALIZED);
    assertThat(chainState(second.tracker().rounds())).isEqualTo(chainState(first.tracker().rounds()));
    // no accepted delta is lost across the restart
    assertThat(second.tracker().round(roundId).orElseThrow().count(DeltaStatus.ACCEPTED))
        .isEqualTo((int) deltas.stream().filter(d -> chain.status(d) == DeltaStatus.ACCEPTED).count());
  }

  @Test
  @DisplayName("with a plan directory, a coordinator restarted after StartRound still has the plan, offers the tasks and closes the round on chain")
  void restartedCoordinatorFinishesItsRound(@org.junit.jupiter.api.io.TempDir java.nio.file.Path plans) {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    InMemoryRoundChain chain = new InMemoryRoundChain();
    RoundServiceConfig cfg = RoundServiceConfig.from(io.deltachain.core.config.ConfigView.of(new JsonObject()
        .put("round", new JsonObject().put("plan-dir", plans.toString())
            .put("base-models", new io.vertx.core.json.JsonArray().add("tiny-1m=random:7"))
            .put("dataset-specs", new io.vertx.core.json.JsonArray().add("corpus=europarl:600"))
            .put("api", new JsonObject().put("tokens", new io.vertx.core.json.JsonArray().add("ops:" + "t".repeat(20)))))));
    RoundService first = new RoundService(cfg, chain, clock, new SimpleMeterRegistry());
    assertThat(first.start().succeeded()).isTrue();
    for (int i = 1; i <= 2; i++) {
      chain.registerNode(address(i), trainer("t" + i, 8 * GIB, 600, "rtx3070"));
      first.heartbeat(address(i), 600.0);
    }
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      docs.add("document " + i + " about the common agricultural policy");
    }
    first.registerDataset("corpus", docs);
    JsonObject started = first.startRound("ops", new StartRoundRequest("tiny-1m", "lora", "corpus", 1e-4, 2, 1, 8,
        128, "weighted_mean", 40, 10, 25, 2, 2, List.of("q_proj"), null)).result();
    String roundId = started.getString("round_id");
    String planHash = first.plan(roundId).getString("plan_hash");
    chain.unsubscribe(first); // the coordinator dies

    RoundService second = new RoundService(cfg, chain, clock, new SimpleMeterRegistry());
    assertThat(second.start().succeeded()).isTrue();
    assertThat(second.plan(roundId).getString("plan_hash")).isEqualTo(planHash);
    for (int i = 1; i <= 2; i++) {
      second.heartbeat(address(i), 600.0);
    }
    assertThat(second.pendingOffers()).hasSize(2).allSatisfy(o -> {
      assertThat(o.getJsonObject("training").getInteger("steps")).isEqualTo(25);
      // the configured names nodes resolve, as the StartRound fixed them
      assertThat(o.getJsonObject("training").getString("base_model")).isEqualTo("random:7");
      assertThat(o.getJsonObject("training").getString("dataset")).isEqualTo("europarl:600");
      assertThat(o.getInteger("firstLayer")).isEqualTo(2);
    });

    List<String> finalized = new ArrayList<>();
    chain.replayAndSubscribe(new io.deltachain.round.lifecycle.ChainEvents() {
      @Override
      public void onRoundFinalized(long height, String id, String reason) {
        finalized.add(id);
      }
    });
    List<String> deltas = new ArrayList<>();
    for (int shard = 0; shard < 2; shard++) {
      deltas.add(second.submitDelta(roundId, new SubmitDeltaRequest("model.layers.2", HASH,
          ContentHash.sha256(("delta " + shard).getBytes()).hex(), 3.0, 2.8, 0.4, null, null, 1000L, 4096L)).result()
          .getString("delta_id"));
    }
    deltas.forEach(d -> chain.decide(d, DeltaStatus.ACCEPTED, List.of()));
    assertThat(finalized).isEmpty();
    chain.acceptCheckpoint(roundId, "model.layers.2", "ee".repeat(32), "", 100, deltas);
    assertThat(second.tracker().round(roundId).orElseThrow().state()).isEqualTo(RoundState.FINALIZED);
    assertThat(finalized).containsExactly(roundId);
  }
}
