package io.deltachain.round.api;

import static io.deltachain.round.api.ApiHarness.TOKEN;
import static io.deltachain.round.api.ApiHarness.await;
import static io.deltachain.round.testing.Txs.trainer;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.testing.Waits;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.deltachain.round.RoundBus;
import io.deltachain.round.lifecycle.ChainEvents;
import io.deltachain.round.lifecycle.DeltaStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the round service does on its own once a round is on chain: offer each assignment to its
 * trainer over the event bus until accepted, hand a silent trainer's shard to an idle trainer of
 * the same round, close the round on chain when its checkpoints are in, and relay deltas the
 * trainers signed themselves.
 */
@ExtendWith(VertxExtension.class)
class RoundSchedulingTest {
  private static final long GIB = 1L << 30;
  private static final String BASE = "0b".repeat(32);
  private final List<NodeKey> keys = List.of(key(1), key(2), key(3));
  private Vertx vertx;
  private ApiHarness api;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    api = new ApiHarness(vertx, new JsonObject().put("heartbeat", new JsonObject().put("timeout-seconds", 30)
        .put("check-interval-ms", 100)),
        (model, layer) -> model.equals("tiny-1m") ? Optional.of(BASE) : Optional.empty());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static NodeKey key(int n) {
    byte[] seed = new byte[32];
    seed[0] = (byte) n;
    seed[5] = 99;
    return NodeKey.fromSeed(seed);
  }

  private static String addr(NodeKey k) {
    return k.addressHex().toLowerCase(Locale.ROOT);
  }

  private void registerTrainers() {
    for (int i = 0; i < keys.size(); i++) {
      await(api.chain.registerNode(addr(keys.get(i)), trainer("t" + i, 8 * GIB, 600, "rtx3070")));
    }
    heartbeat(keys);
  }

  private void heartbeat(List<NodeKey> who) {
    for (NodeKey k : who) {
      assertThat(api.post("/learning/workers/" + addr(k) + "/heartbeat", TOKEN,
          new JsonObject().put("tokens_per_second", 650.0)).statusCode()).isEqualTo(204);
    }
  }

  private void registerDataset() {
    JsonArray docs = new JsonArray();
    for (int i = 0; i < 40; i++) {
      docs.add("Resumption of the session " + i + ". I declare resumed the session of the European Parliament.");
    }
    assertThat(api.post("/learning/datasets", TOKEN, new JsonObject().put("name", "europarl").put("documents", docs))
        .statusCode()).isEqualTo(201);
  }

  private static JsonObject startBody() {
    return new JsonObject().put("model_id", "tiny-1m").put("mode", "lora").put("dataset", "europarl")
        .put("hyperparams", new JsonObject().put("lr", 3e-3).put("batch_size", 8).put("epochs", 1)
            .put("lora_rank", 4).put("sequence_length", 64).put("steps", 60))
        .put("layers", new JsonObject().put("first", 1).put("last", 1))
        .put("target_modules", new JsonArray().add("q_proj").add("v_proj"))
        .put("aggregation", "weighted_mean").put("training_blocks", 500).put("validation_blocks", 500);
  }

  private JsonObject startRound() {
    registerTrainers();
    registerDataset();
    HttpResponse<Buffer> r = api.post("/learning/round/start", TOKEN, startBody());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("a round over some layers and modules: numeric id, assignments cut to the layers, the base declared, the plan keeps steps; bad layers and modules are named")
  void layersAndTargets() {
    JsonObject s = startRound();
    assertThat(s.getString("round_id")).matches("[1-9][0-9]*");
    assertThat(s.getJsonArray("workers")).isNotEmpty().allSatisfy(w -> {
      assertThat(((JsonObject) w).getString("layers")).isEqualTo("1-1");
      assertThat(((JsonObject) w).getInteger("lora_rank")).isEqualTo(4);
    });
    JsonObject doc = api.get("/learning/round/" + s.getString("round_id") + "/plan").bodyAsJsonObject()
        .getJsonObject("document");
    assertThat(doc.getJsonObject("hyperparams").getInteger("steps")).isEqualTo(60);
    assertThat(doc.getJsonObject("hyperparams").getDouble("lora_alpha")).as("twice the rank by default").isEqualTo(8.0);
    assertThat(doc.getJsonObject("layers")).isEqualTo(new JsonObject().put("first", 1).put("last", 1));

    // a requested LoRA alpha is the round's, in thousandths on chain
    JsonObject body = startBody();
    body.getJsonObject("hyperparams").put("lora_alpha", 16.5);
    HttpResponse<Buffer> alpha = api.post("/learning/round/start", TOKEN, body);
    assertThat(alpha.statusCode()).as(alpha.bodyAsString()).isEqualTo(202);
    assertThat(api.get("/learning/round/" + alpha.bodyAsJsonObject().getString("round_id") + "/plan").bodyAsJsonObject()
        .getJsonObject("document").getJsonObject("hyperparams").getDouble("lora_alpha")).isEqualTo(16.5);
    body.getJsonObject("hyperparams").put("lora_alpha", 0);
    assertError(api.post("/learning/round/start", TOKEN, body), 400, "invalid_request");
    body.getJsonObject("hyperparams").put("lora_alpha", 0.0001);
    HttpResponse<Buffer> tiny = api.post("/learning/round/start", TOKEN, body);
    assertError(tiny, 422, "invalid_hyperparameters");
    assertThat(tiny.bodyAsJsonObject().getString("message")).contains("lora_alpha");

    HttpResponse<Buffer> layers = api.post("/learning/round/start", TOKEN, startBody()
        .put("layers", new JsonObject().put("first", 2).put("last", 9)));
    assertThat(layers.statusCode()).isEqualTo(422);
    assertThat(layers.bodyAsJsonObject().getString("error")).isEqualTo("invalid_layers");
    assertThat(layers.bodyAsJsonObject().getString("message")).contains("2-9").contains("<= 3");
    HttpResponse<Buffer> modules = api.post("/learning/round/start", TOKEN, startBody()
        .put("target_modules", new JsonArray().add("q_proj").add("lm_head")));
    assertThat(modules.statusCode()).isEqualTo(422);
    assertThat(modules.bodyAsJsonObject().getString("message")).contains("'lm_head'").contains("v_proj");
  }

  @Test
  @DisplayName("once StartRound commits every trainer is offered its task over the event bus until it accepts; a refused offer is sent again")
  void offersUntilAccepted() {
    List<JsonObject> toFirst = new CopyOnWriteArrayList<>();
    List<JsonObject> toSecond = new CopyOnWriteArrayList<>();
    List<JsonObject> toThird = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(RoundBus.taskOfferFor(keys.get(0).addressHex()), m -> {
      toFirst.add(m.body());
      m.reply(new JsonObject().put("accepted", true));
    });
    vertx.eventBus().<JsonObject>consumer(RoundBus.taskOfferFor(keys.get(1).addressHex()), m -> {
      toSecond.add(m.body());
      if (toSecond.size() == 1) {
        m.fail(3, "busy with another task");
      } else {
        m.reply(new JsonObject().put("accepted", true));
      }
    });
    vertx.eventBus().<JsonObject>consumer(RoundBus.taskOfferFor(keys.get(2).addressHex()), m -> {
      toThird.add(m.body());
      m.reply(new JsonObject().put("accepted", true));
    });
    JsonObject s = startRound();
    String roundId = s.getString("round_id");
    Waits.eventually(Duration.ofSeconds(10), "the refused offer sent again", () -> toSecond.size() >= 2);
    // give the timer a few more ticks: accepted offers are not repeated
    long until = System.nanoTime() + 500_000_000L;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertThat(toFirst).hasSize(1);
    assertThat(toSecond).hasSize(2);
    assertThat(toThird).hasSize(1);
    JsonObject offer = toFirst.get(0);
    assertThat(offer.getString("roundId")).isEqualTo(roundId);
    assertThat(offer.getString("taskId")).isEqualTo(roundId + "/" + keys.get(0).addressHex() + "/"
        + offer.getInteger("shardIndex"));
    assertThat(offer.getString("modelId")).isEqualTo("tiny-1m");
    assertThat(offer.getInteger("firstLayer")).isEqualTo(1);
    assertThat(offer.getInteger("lastLayer")).isEqualTo(1);
    assertThat(offer.getJsonArray("targetModules")).containsExactlyInAnyOrder("q_proj", "v_proj");
    assertThat(offer.getJsonObject("baseCheckpoints")).isEqualTo(new JsonObject().put("model.layers.1", BASE));
    assertThat(offer.getInteger("shardCount")).isEqualTo(3);
    // the training settings exactly as the committed StartRound fixes them
    JsonObject training = new JsonObject(offer.getJsonObject("training").encode()); // as a clustered bus delivers it
    assertThat(training.getMap()).containsEntry("steps", 60).containsEntry("batch_size", 8)
        .containsEntry("sequence_length", 64).containsEntry("learning_rate_e9", "3000000")
        .containsEntry("lora_alpha_milli", 8000).containsEntry("base_model", "tiny-1m");
    assertThat(training.getString("dataset")).as("no spec configured: the registered name").isEqualTo("europarl");
    assertThat(training.getString("data_seed")).isEqualTo(Long.toUnsignedString(io.deltachain.core.tx.RoundTraining
        .dataSeed(roundId, Long.parseUnsignedLong(api.get("/learning/round/" + roundId + "/plan").bodyAsJsonObject()
            .getJsonObject("document").getJsonObject("dataset").getString("eval_seed")))));
    assertThat(List.of(toFirst.get(0), toSecond.get(0), toThird.get(0)).stream().map(o -> o.getInteger("shardIndex")))
        .containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  @DisplayName("a trainer that goes silent before delivering has its shard offered to an idle trainer of the same round, whose delta then counts")
  void silentTrainerShardGoesToAnIdleMember() {
    List<JsonObject> toSecond = new CopyOnWriteArrayList<>();
    for (NodeKey k : keys) {
      vertx.eventBus().<JsonObject>consumer(RoundBus.taskOfferFor(k.addressHex()), m -> {
        if (k == keys.get(1)) {
          toSecond.add(m.body());
        }
        m.reply(new JsonObject().put("accepted", true));
      });
    }
    JsonObject s = startRound();
    String roundId = s.getString("round_id");
    int silentShard = shardOf(s, keys.get(0));
    int secondShard = shardOf(s, keys.get(1));
    Waits.eventually(Duration.ofSeconds(10), "the first offers", () -> toSecond.size() == 1);
    // the second trainer delivers its own shard; the first one stops sending heartbeats
    HttpResponse<Buffer> own = api.post("/learning/round/" + roundId + "/submit_signed_delta", TOKEN,
        new JsonObject().put("signed_tx", signedDelta(keys.get(1), roundId, secondShard, 1)));
    assertThat(own.statusCode()).as(own.bodyAsString()).isEqualTo(202);
    api.clock.advance(Duration.ofSeconds(31));
    heartbeat(List.of(keys.get(1), keys.get(2)));
    Waits.eventually(Duration.ofSeconds(10), "the silent trainer's shard offered to the second trainer", () -> toSecond.size() == 2);
    JsonObject takeover = toSecond.get(1);
    assertThat(takeover.getInteger("shardIndex")).isEqualTo(silentShard);
    assertThat(takeover.getString("taskId")).isEqualTo(roundId + "/" + keys.get(1).addressHex() + "/" + silentShard);
    JsonObject status = api.get("/learning/round/" + roundId + "/status").bodyAsJsonObject();
    JsonObject replaced = status.getJsonArray("workers").stream().map(JsonObject.class::cast)
        .filter(w -> w.getInteger("shard_index") == silentShard).findFirst().orElseThrow();
    assertThat(replaced.getString("address")).isEqualTo(addr(keys.get(1)));
    assertThat(replaced.getString("replaced")).isEqualTo(addr(keys.get(0)));
    assertThat(replaced.getString("replacement_reason")).contains("no heartbeat from " + addr(keys.get(0)));

    HttpResponse<Buffer> takeoverDelta = api.post("/learning/round/" + roundId + "/submit_signed_delta", TOKEN,
        new JsonObject().put("signed_tx", signedDelta(keys.get(1), roundId, silentShard, 2)));
    assertThat(takeoverDelta.statusCode()).as(takeoverDelta.bodyAsString()).isEqualTo(202);
    status = api.get("/learning/round/" + roundId + "/status").bodyAsJsonObject();
    assertThat(status.getJsonArray("workers").stream().map(JsonObject.class::cast)
        .filter(w -> w.getInteger("shard_index") == silentShard).findFirst().orElseThrow()
        .getInteger("deltas_submitted")).isEqualTo(1);
  }

  @Test
  @DisplayName("when every accepted layer has its checkpoint the coordinator commits FinalizeRound, and AGGREGATING was announced on the bus")
  void finalizesOnChain() {
    List<String> finalized = new CopyOnWriteArrayList<>();
    List<String> changes = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(RoundBus.ROUND_CHANGED, m -> changes.add(m.body().getString("status")));
    JsonObject s = startRound();
    String roundId = s.getString("round_id");
    await(api.chain.replayAndSubscribe(new ChainEvents() {
      @Override
      public void onRoundFinalized(long height, String id, String reason) {
        finalized.add(id + ": " + reason);
      }
    }));
    List<String> deltas = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      HttpResponse<Buffer> r = api.post("/learning/round/" + roundId + "/submit_signed_delta", TOKEN,
          new JsonObject().put("signed_tx", signedDelta(keys.get(i), roundId, shardOf(s, keys.get(i)), i)));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
      deltas.add(r.bodyAsJsonObject().getString("delta_id"));
    }
    await(api.chain.decide(deltas.get(0), DeltaStatus.ACCEPTED, List.of()));
    await(api.chain.decide(deltas.get(1), DeltaStatus.ACCEPTED, List.of()));
    await(api.chain.decide(deltas.get(2), DeltaStatus.REJECTED, List.of("NORM_RATIO_EXCEEDED")));
    Waits.eventually(Duration.ofSeconds(10), "AGGREGATING announced", () -> changes.contains("AGGREGATING"));
    assertThat(finalized).isEmpty();
    await(api.chain.acceptCheckpoint(roundId, "model.layers.1", "ee".repeat(32), "", 100, deltas.subList(0, 2)));
    Waits.eventually(Duration.ofSeconds(10), "FinalizeRound on chain", () -> !finalized.isEmpty());
    assertThat(finalized).containsExactly(roundId + ": checkpoints for 1 layer(s)");
    JsonObject status = api.get("/learning/round/" + roundId + "/status").bodyAsJsonObject();
    assertThat(status.getString("status")).isEqualTo("FINALIZED");
    assertThat(status.getJsonArray("deltas").stream().map(JsonObject.class::cast)
        .filter(d -> d.getString("status").equals("REJECTED")).findFirst().orElseThrow()
        .getJsonArray("reasons")).containsExactly("NORM_RATIO_EXCEEDED");
  }

  @Test
  @DisplayName("submit_signed_delta relays what the trainer signed and names every problem with the transaction")
  void signedDeltas() throws Exception {
    JsonObject s = startRound();
    String roundId = s.getString("round_id");
    String path = "/learning/round/" + roundId + "/submit_signed_delta";
    int shard = shardOf(s, keys.get(0));

    HttpResponse<Buffer> ok = api.post(path, TOKEN, new JsonObject().put("signed_tx", signedDelta(keys.get(0), roundId,
        shard, 7)));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(202);
    JsonObject d = api.get("/learning/delta/" + ok.bodyAsJsonObject().getString("delta_id")).bodyAsJsonObject();
    assertThat(d.getString("trainer")).isEqualTo(addr(keys.get(0)));
    assertThat(d.getInteger("shard_index")).isEqualTo(shard);

    assertError(api.post(path, TOKEN, new JsonObject().put("signed_tx", "not base64!")), 400, "invalid_request");
    assertError(api.post(path, TOKEN, new JsonObject().put("signed_tx", Base64.getEncoder().encodeToString(
        new byte[] {1, 2, 3, 4}))), 422, "invalid_signed_tx");
    TxEnvelope register = TxEnvelopes.sign(keys.get(0), "test", 9, BodyType.REGISTER_NODE,
        RegisterNode.newBuilder().setRole(NodeRole.TRAINER).build());
    assertError(api.post(path, TOKEN, new JsonObject().put("signed_tx",
        Base64.getEncoder().encodeToString(register.toByteArray()))), 422, "invalid_signed_tx");
    assertError(api.post(path, TOKEN, new JsonObject().put("signed_tx", signedDelta(keys.get(0), "12345", shard, 8))),
        422, "round_mismatch");
    TxEnvelope forged = TxEnvelopes.parse(Base64.getDecoder().decode(signedDelta(keys.get(0), roundId, shard, 9)))
        .toBuilder().setSignerPubKey(ByteString.copyFrom(keys.get(1).publicKey())).build();
    assertError(api.post(path, TOKEN, new JsonObject().put("signed_tx",
        Base64.getEncoder().encodeToString(forged.toByteArray()))), 422, "bad_signature");
    assertError(api.post(path, TOKEN, new JsonObject().put("signed_tx", signedDelta(key(77), roundId, shard, 10))),
        422, "not_assigned");
    assertError(api.post("/learning/round/999/submit_signed_delta", TOKEN,
        new JsonObject().put("signed_tx", signedDelta(keys.get(0), "999", shard, 11))), 404, "round_not_found");
    assertError(api.post(path, null, new JsonObject().put("signed_tx", signedDelta(keys.get(0), roundId, shard, 12))),
        401, "unauthorized");
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo(code);
    assertThat(r.bodyAsJsonObject().getString("message")).isNotBlank();
  }

  private static int shardOf(JsonObject status, NodeKey k) {
    return status.getJsonArray("workers").stream().map(JsonObject.class::cast)
        .filter(w -> w.getString("address").equals(addr(k))).findFirst().orElseThrow().getInteger("shard_index");
  }

  private static String signedDelta(NodeKey k, String roundId, int shard, int salt) {
    SubmitDelta body = SubmitDelta.newBuilder().setRoundId(roundId).setLayer("model.layers.1")
        .setBaseHash(ByteString.copyFrom(java.util.HexFormat.of().parseHex(BASE)))
        .setContentHash(ByteString.copyFrom(ContentHash.sha256(new byte[] {(byte) salt}).bytes()))
        .setCid("bafk" + salt).setSizeBytes(2048).setTokens(30_720).setMode(TrainingMode.LORA).setLoraRank(4)
        .setShardIndex(shard).setLossBeforeMicro(5_500_000).setLossAfterMicro(5_200_000).build();
    return Base64.getEncoder().encodeToString(TxEnvelopes.sign(k, "test", 1, BodyType.SUBMIT_DELTA, body).toByteArray());
  }
}
