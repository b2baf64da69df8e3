package io.deltachain.launcher.node;

import static io.deltachain.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.crypto.KeyFiles;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.launcher.demo.Devnet;
import io.deltachain.trainer.service.TrainerAddresses;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, must show: a round on real processes survives its coordinator and a trainer dying.
 * Four CometBFT validators ({@link LocalNet}) with their validator services and the delta store
 * run in this JVM; the round service and four trainers (three honest, one poisoning) are separate
 * JVMs started with {@code deltachain node --roles ...}. Mid-round one honest trainer is killed
 * (SIGKILL) while it trains, then the round service is killed and started again: it rebuilds the
 * round from the chain, hands the dead trainer's shard to an idle trainer of the round, and the
 * round still finalizes; the poisoned delta is rejected with its reason, every accepted delta is
 * in the checkpoint, the layer's head moves on every validator.
 */
class NodeProcessesIT {
  private static final String TOKEN = "it-token-0123456789abcdef";
  private static final String LAYER = "model.layers.1";
  private final HttpClient http = HttpClient.newHttpClient();
  private String api;

  @Test
  @DisplayName("with the coordinator killed and restarted and a trainer killed mid-task, the round finalizes, the poisoned delta is rejected, no accepted delta is lost and the head moves")
  void roundSurvivesCoordinatorAndTrainerDeaths() throws Exception {
    Path dir = Files.createTempDirectory("deltachain-nodes-");
    ByteArrayOutputStream devnetLog = new ByteArrayOutputStream();
    Devnet.Settings settings = new Devnet.Settings(4, 3, 1, "tiny-1m", 7, 600, 20_250_501L, 2, 8, 64);
    List<NodeProcess> procs = new ArrayList<>();
    Devnet net = new Devnet(settings, dir.resolve("devnet"), new PrintStream(devnetLog, true, StandardCharsets.UTF_8));
    try {
      net.startCore();
      Path coordinatorKey = dir.resolve("keys/coordinator.json");
      KeyFiles.save(coordinatorKey, net.coordinatorKey());
      List<String> common = List.of("--chain-id", Devnet.CHAIN_ID, "--cluster-name", net.clusterName(),
          "--cluster-host", "127.0.0.1", "--members", String.join(",", net.clusterMembers()),
          "--store-url", net.storeUrl(), "--set", "network.profile=" + settings.profile(),
          "--set", "network.base-seed=" + settings.baseSeed(), "--set", "network.dataset=europarl:" + settings.corpusDocuments());

      int apiPort = LocalNet.freePort("127.0.0.1");
      api = "http://127.0.0.1:" + apiPort;
      List<String> roundArgs = new ArrayList<>(common);
      roundArgs.addAll(List.of("--roles", "round", "--home", dir.resolve("round").toString(), "--moniker", "coordinator",
          "--rpc", net.net().node(0).rpcUrl(), "--cluster-port", Integer.toString(LocalNet.freePort("127.0.0.1")),
          "--set", "http.host=127.0.0.1", "--set", "http.port=" + apiPort, "--metrics-port", "0",
          "--set", "round.coordinator-key-file=" + coordinatorKey, "--set", "round.api.tokens=it:" + TOKEN,
          "--set", "round.heartbeat.timeout-seconds=10", "--set", "round.heartbeat.check-interval-ms=500",
          "--set", "round.max-norm-ratio-ppm=4000000", "--set", "round.training-blocks=5000",
          "--set", "round.validation-blocks=5000", "--set", "round.aggregation-blocks=5000"));
      NodeProcess round = new NodeProcess("round-service", roundArgs, dir.resolve("logs/round.log"));
      procs.add(round);

      List<NodeKey> keys = new ArrayList<>();
      List<Integer> trainerMetrics = new ArrayList<>();
      List<NodeProcess> trainers = new ArrayList<>();
      for (int i = 0; i < settings.trainers(); i++) {
        boolean poisoned = i >= settings.honestTrainers();
        NodeKey k = NodeKey.generate();
        Path keyFile = dir.resolve("keys/trainer-" + i + ".json");
        KeyFiles.save(keyFile, k);
        keys.add(k);
        List<String> a = new ArrayList<>(common);
        int metricsPort = LocalNet.freePort("127.0.0.1");
        trainerMetrics.add(metricsPort);
        a.addAll(List.of("--roles", "trainer", "--metrics-port", Integer.toString(metricsPort), "--home", dir.resolve("trainer-" + i).toString(),
            "--moniker", "trainer-" + i + (poisoned ? "-poisoned" : "-honest"),
            "--rpc", net.net().node(i % 4).rpcUrl(), "--cluster-port", Integer.toString(LocalNet.freePort("127.0.0.1")),
            "--set", "trainer.key-file=" + keyFile, "--set", "trainer.device=cpu", "--set", "trainer.memory=8GiB",
            "--set", "trainer.probe-throughput=false", "--set", "trainer.tokens-per-second=5000"));
        if (poisoned) {
          a.addAll(List.of("--set", "trainer.attack=poison"));
        }
        NodeProcess t = new NodeProcess("trainer-" + i, a, dir.resolve("logs/trainer-" + i + ".log"));
        trainers.add(t);
        procs.add(t);
      }
      for (NodeProcess p : procs) {
        p.start();
      }
      for (NodeProcess p : procs) {
        p.awaitLine("[node] ready: node roles", Duration.ofSeconds(240));
      }
      eventually(Duration.ofSeconds(90), "a heartbeat from all four trainers at the round service", () -> {
        JsonArray workers = get("/learning/workers").getJsonArray("workers");
        return keys.stream().allMatch(k -> workers.stream().map(JsonObject.class::cast).anyMatch(w ->
            w.getString("address").equalsIgnoreCase(k.addressHex()) && w.getBoolean("alive")
                && w.getValue("measured_tokens_per_second") != null));
      });

      Map<String, Integer> steps = new ConcurrentHashMap<>();
      MessageConsumer<JsonObject> progress = net.coordinatorVertx().eventBus().consumer(TrainerAddresses.PROGRESS,
          m -> steps.merge(m.body().getString("node"), m.body().getInteger("step", 0), Math::max));
      JsonObject started = post("/learning/round/start", new JsonObject().put("model_id", settings.profile())
          .put("mode", "lora").put("dataset", "europarl")
          .put("hyperparams", new JsonObject().put("lr", 3e-3).put("batch_size", settings.batchSize()).put("epochs", 1)
              .put("lora_rank", 4).put("sequence_length", settings.sequenceLength()).put("steps", 80))
          .put("layers", new JsonObject().put("first", 1).put("last", 1))
          .put("target_modules", new JsonArray().add("q_proj").add("v_proj")).put("aggregation", "weighted_mean"));
      String roundId = started.getString("round_id");
      assertThat(started.getJsonObject("plan").getJsonArray("pipelines")).as("one pipeline per trainer").hasSize(4);

      // an honest trainer dies while it trains
      NodeKey victim = keys.get(0);
      eventually(Duration.ofSeconds(180), "the victim training",
          () -> steps.getOrDefault(victim.addressHex(), 0) >= 10);
      trainers.get(0).kill();
      int victimShard = shardOf(get("/learning/round/" + roundId + "/status"), victim);

      // the coordinator dies once the chain holds a delta of the round, and comes back
      eventually(Duration.ofSeconds(180), "a first delta on chain",
          () -> get("/learning/round/" + roundId + "/status").getInteger("deltas_received") >= 1);
      round.kill();
      round.start();
      round.awaitLine("[node] ready: node roles", Duration.ofSeconds(240));
      JsonObject rebuilt = get("/learning/round/" + roundId + "/status");
      assertThat(rebuilt.getInteger("deltas_received")).as("rebuilt from the chain").isGreaterThanOrEqualTo(1);
      assertThat(rebuilt.getString("status")).isNotEqualTo("CREATED");

      eventually(Duration.ofSeconds(360), "the round to end",
          () -> List.of("FINALIZED", "FAILED", "CANCELLED").contains(get("/learning/round/" + roundId + "/status")
              .getString("status")));
      progress.unregister();
      JsonObject end = get("/learning/round/" + roundId + "/status");
      assertThat(end.getString("status")).as(end.encodePrettily()).isEqualTo("FINALIZED");

      ChainClient chain = net.coordinatorChain();
      eventually(Duration.ofSeconds(60), "FinalizeRound on chain from the restarted coordinator",
          () -> "FINALIZED".equals(await(chain.queryJson("/round/" + roundId)).getString("status")));

      List<JsonObject> deltas = end.getJsonArray("deltas").stream().map(JsonObject.class::cast).toList();
      String poisoner = keys.get(3).addressHex().toLowerCase(Locale.ROOT);
      List<JsonObject> poisoned = deltas.stream().filter(d -> d.getString("trainer").equals(poisoner)).toList();
      assertThat(poisoned).isNotEmpty().allSatisfy(d -> {
        assertThat(d.getString("status")).isEqualTo("REJECTED");
        assertThat(d.getJsonArray("reasons")).isNotEmpty();
      });
      // the dead trainer's shard was trained by another trainer of the round
      String victimAddress = victim.addressHex().toLowerCase(Locale.ROOT);
      assertThat(deltas).noneMatch(d -> d.getString("trainer").equals(victimAddress));
      assertThat(deltas).anyMatch(d -> d.getInteger("shard_index") == victimShard);

      // no accepted delta lost: the chain's accepted deltas are the service's and the checkpoint's
      Set<String> acceptedOnChain = new HashSet<>();
      for (Object id : await(chain.queryJson("/round/" + roundId)).getJsonArray("deltas")) {
        JsonObject d = await(chain.queryJson("/delta/" + id));
        if ("ACCEPTED".equals(d.getString("status"))) {
          acceptedOnChain.add(d.getString("id").toLowerCase(Locale.ROOT));
        }
      }
      Set<String> acceptedByService = deltas.stream().filter(d -> d.getString("status").equals("ACCEPTED"))
          .map(d -> d.getString("delta_id")).collect(Collectors.toSet());
      assertThat(acceptedByService).hasSizeGreaterThanOrEqualTo(2).isEqualTo(acceptedOnChain);
      JsonObject head = await(chain.queryJson("/layer/" + LAYER + "/head"));
      Set<String> contributing = head.getJsonObject("checkpoint").getJsonArray("contributing_deltas").stream()
          .map(o -> ((String) o).toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
      assertThat(contributing).isEqualTo(acceptedOnChain);
      assertThat(head.getJsonObject("checkpoint").getString("parent")).isEqualToIgnoringCase(settings.baseHash());
      for (Devnet.ValidatorNode v : net.validators()) {
        eventually(Duration.ofSeconds(30), "the head on validator-" + v.index(), () -> head.getString("head")
            .equalsIgnoreCase(await(v.chain().queryJson("/layer/" + LAYER + "/head")).getString("head")));
      }

      // issue 9: a trainer-only process serves its own meters and health
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + trainerMetrics.get(1) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("deltachain_trainer_tokens_per_second{trainer=\"" + keys.get(1).addressHex()).contains("deltachain_trainer_delta_bytes").contains("vertx_eventbus_");
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + trainerMetrics.get(1) + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      assertThat(new JsonObject(health.body()).getJsonArray("roles").getList()).containsExactly("trainer");

      // issue 9: one round can be followed across processes by its log key-value pairs: every
      // accepted delta under the same round and delta id in its trainer's log and the round service's
      String roundLog = Files.readString(dir.resolve("logs/round.log"), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
      StringBuilder trainerLogs = new StringBuilder();
      for (int i = 0; i < settings.trainers(); i++) {
        trainerLogs.append(Files.readString(dir.resolve("logs/trainer-" + i + ".log"), StandardCharsets.UTF_8));
      }
      String trainerLog = trainerLogs.toString().toLowerCase(Locale.ROOT);
      assertThat(roundLog).contains("round=" + roundId + " height=").contains("status finalized");
      for (String delta : acceptedOnChain) {
        assertThat(trainerLog).contains("round=" + roundId + " delta=" + delta + " ");
        assertThat(roundLog).contains("round=" + roundId + " delta=" + delta + " trainer=");
        assertThat(roundLog).contains("round=" + roundId + " delta=" + delta + " height=");
      }
    } catch (AssertionError | RuntimeException e) {
      StringBuilder logs = new StringBuilder(devnetLog.toString(StandardCharsets.UTF_8));
      for (NodeProcess p : procs) {
        logs.append("\n--- ").append(p.name()).append(" ---\n").append(p.tail(60));
      }
      System.out.println(logs);
      throw e;
    } finally {
      procs.forEach(NodeProcess::close);
      net.close();
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int shardOf(JsonObject status, NodeKey k) {
    return status.getJsonArray("workers").stream().map(JsonObject.class::cast)
        .filter(w -> w.getString("address").equalsIgnoreCase(k.addressHex())).findFirst().orElseThrow()
        .getInteger("shard_index");
  }

  private JsonObject get(String path) {
    return send(HttpRequest.newBuilder(URI.create(api + path)).GET().build(), 200);
  }

  private JsonObject post(String path, JsonObject body) {
    return send(HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + TOKEN)
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), 202);
  }

  private JsonObject send(HttpRequest req, int expected) {
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        throw new IllegalStateException(req.uri().getPath() + " answered " + r.statusCode() + ": " + r.body());
      }
      return new JsonObject(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(req.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    return Devnet.await(f, 30);
  }
}
