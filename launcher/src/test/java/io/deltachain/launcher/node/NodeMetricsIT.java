package io.deltachain.launcher.node;

import static io.deltachain.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.crypto.KeyFiles;
import io.deltachain.core.crypto.NodeKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, "/metrics for every service": the layout of a real deployment on loopback, one
 * CometBFT validator (with its abci-app in this JVM) and three {@code deltachain node} JVMs:
 * {@code round,store}, {@code validator} (the validator's key) and {@code trainer}, clustered
 * over Hazelcast. Each serves {@code /metrics} and {@code /health} on its own metrics port; after
 * the trainer's delta is judged, the validator-only process shows its verdict counter and the
 * trainer-only process its tokens/s gauge. The round+store node runs its metrics server beside
 * the round API and the store without a port clash. The nodes start before CometBFT, as compose
 * starts them, and wait for it.
 */
class NodeMetricsIT {
  private static final String CHAIN_ID = "deltachain-metrics-it";
  private static final String TOKEN = "it-token-0123456789abcdef";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @DisplayName("validator-only and trainer-only node processes serve their own meters on /metrics and a JSON /health")
  void everyNodeServesMetrics() throws Exception {
    Path dir = Files.createTempDirectory("deltachain-metrics-");
    List<NodeProcess> procs = new ArrayList<>();
    NodeKey coordinator = NodeKey.generate();
    Path coordinatorKey = dir.resolve("keys/coordinator.json");
    KeyFiles.save(coordinatorKey, coordinator);
    JsonObject appState = new JsonObject().put("coordinators", new JsonArray().add(coordinator.addressHex()))
        .put("validator_allowlist", new JsonObject());
    LocalNet net = LocalNet.create(new LocalNet.Options(1, dir.resolve("chain"), CHAIN_ID, appState, "300ms", "1s", true,
        LocalNet.AppMode.IN_PROCESS, "error"));
    try {
      String ip = "127.0.0.1";
      int[] cluster = {LocalNet.freePort(ip), LocalNet.freePort(ip), LocalNet.freePort(ip)};
      int[] metrics = {LocalNet.freePort(ip), LocalNet.freePort(ip), LocalNet.freePort(ip)};
      int apiPort = LocalNet.freePort(ip);
      int storePort = LocalNet.freePort(ip);
      String members = ip + ":" + cluster[0] + "," + ip + ":" + cluster[1] + "," + ip + ":" + cluster[2];
      String storeUrl = "http://" + ip + ":" + storePort;
      String api = "http://" + ip + ":" + apiPort;
      List<String> common = List.of("--chain-id", CHAIN_ID, "--rpc", net.node(0).rpcUrl(),
          "--cluster-name", "metrics-it-" + Long.toHexString(System.nanoTime()), "--cluster-host", ip,
          "--members", members, "--set", "network.dataset=europarl:200");

      List<String> a = new ArrayList<>(common);
      a.addAll(List.of("--roles", "round,store", "--home", dir.resolve("coordinator").toString(), "--moniker", "coordinator",
          "--cluster-port", Integer.toString(cluster[0]), "--metrics-port", Integer.toString(metrics[0]),
          "--set", "http.host=" + ip, "--set", "http.port=" + apiPort,
          "--set", "delta-store.http.host=" + ip, "--set", "delta-store.http.port=" + storePort,
          "--set", "delta-store.data-dir=" + dir.resolve("coordinator/store"), "--set", "ipfs.enabled=false",
          "--set", "round.coordinator-key-file=" + coordinatorKey, "--set", "round.api.tokens=it:" + TOKEN,
          "--set", "round.max-norm-ratio-ppm=4000000", "--set", "round.training-blocks=5000",
          "--set", "round.validation-blocks=5000", "--set", "round.aggregation-blocks=5000"));
      List<String> v = new ArrayList<>(common);
      v.addAll(List.of("--roles", "validator", "--home", dir.resolve("validator").toString(), "--moniker", "validator-0",
          "--cluster-port", Integer.toString(cluster[1]), "--metrics-port", Integer.toString(metrics[1]),
          "--store-url", storeUrl,
          "--set", "validator.key-file=" + net.node(0).home.resolve("config/priv_validator_key.json")));
      NodeKey trainerKey = NodeKey.generate();
      Path trainerKeyFile = dir.resolve("keys/trainer.json");
      KeyFiles.save(trainerKeyFile, trainerKey);
      List<String> t = new ArrayList<>(common);
      t.addAll(List.of("--roles", "trainer", "--home", dir.resolve("trainer").toString(), "--moniker", "trainer-0",
          "--cluster-port", Integer.toString(cluster[2]), "--metrics-port", Integer.toString(metrics[2]),
          "--store-url", storeUrl, "--set", "trainer.key-file=" + trainerKeyFile, "--set", "trainer.device=cpu",
          "--set", "trainer.probe-throughput=false", "--set", "trainer.tokens-per-second=5000"));
      procs.add(new NodeProcess("round+store", a, dir.resolve("logs/coordinator.log")));
      procs.add(new NodeProcess("validator", v, dir.resolve("logs/validator.log")));
      procs.add(new NodeProcess("trainer", t, dir.resolve("logs/trainer.log")));
      // as in compose, the nodes start before their CometBFT node: they wait for it
      for (NodeProcess p : procs) {
        p.start();
      }
      for (NodeProcess p : procs) {
        p.awaitLine("[node] waiting for the CometBFT node at " + net.node(0).rpcUrl(), Duration.ofSeconds(240));
      }
      // meanwhile /health says why the node is not ready
      HttpResponse<String> waiting = get("http://" + ip + ":" + metrics[1] + "/health");
      assertThat(waiting.statusCode()).as(waiting.body()).isEqualTo(503);
      assertThat(new JsonObject(waiting.body()).getJsonObject("chain").getBoolean("reachable")).isFalse();
      assertThat(new JsonObject(waiting.body()).getJsonArray("problems").getString(0)).contains(net.node(0).rpcUrl());
      net.start();
      for (NodeProcess p : procs) {
        p.awaitLine("[node] ready: node roles", Duration.ofSeconds(240));
      }

      // /health of each: its roles, the chain it reaches, the cluster of three
      String[][] roles = {{"round", "store"}, {"validator"}, {"trainer"}};
      for (int i = 0; i < 3; i++) {
        int port = metrics[i];
        eventually(Duration.ofSeconds(60), "a cluster of 3 in /health of " + procs.get(i).name(),
            () -> health(port).getJsonObject("cluster").getInteger("size") == 3);
        JsonObject h = health(port);
        assertThat(h.getString("status")).as(h.encodePrettily()).isEqualTo("ok");
        assertThat(h.getJsonArray("roles").getList()).containsExactly((Object[]) roles[i]);
        assertThat(h.getString("chain_id")).isEqualTo(CHAIN_ID);
        assertThat(h.getJsonObject("chain").getBoolean("reachable")).isTrue();
        assertThat(h.getJsonObject("chain").getLong("height")).isPositive();
        assertThat(h.getJsonObject("cluster").getJsonArray("members").getList())
            .containsExactlyInAnyOrder(ip + ":" + cluster[0], ip + ":" + cluster[1], ip + ":" + cluster[2]);
      }
      // the round+store node: its metrics server beside the round API and the store, each answering
      assertThat(get(api + "/health").statusCode()).isEqualTo(200);
      assertThat(get(storeUrl + "/health").statusCode()).isEqualTo(200);
      assertThat(get("http://" + ip + ":" + metrics[0] + "/metrics").body()).contains("deltachain_round_");

      // registered on chain and heard from: its throughput comes with a heartbeat after the round
      // service saw the registration (it registered none: probe-throughput=false)
      eventually(Duration.ofSeconds(90), "the trainer alive at the round service", () -> new JsonObject(
          get(api + "/learning/workers").body()).getJsonArray("workers").stream().map(JsonObject.class::cast)
          .anyMatch(w -> w.getString("address").equalsIgnoreCase(trainerKey.addressHex()) && w.getBoolean("alive")
              && w.getValue("measured_tokens_per_second") != null));
      JsonObject start = new JsonObject().put("model_id", "tiny-1m").put("mode", "lora").put("dataset", "europarl")
          .put("hyperparams", new JsonObject().put("lr", 3e-3).put("batch_size", 8).put("epochs", 1).put("lora_rank", 4)
              .put("sequence_length", 64).put("steps", 10))
          .put("layers", new JsonObject().put("first", 1).put("last", 1))
          .put("target_modules", new JsonArray().add("q_proj").add("v_proj"));
      HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(api + "/learning/round/start"))
          .header("Authorization", "Bearer " + TOKEN).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(start.encode())).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      String roundId = new JsonObject(started.body()).getString("round_id");

      eventually(Duration.ofSeconds(300), "a verdict on the trainer's delta", () -> new JsonObject(
          get(api + "/learning/round/" + roundId + "/status").body()).getInteger("deltas_validated", 0) >= 1);

      String validatorMetrics = get("http://" + ip + ":" + metrics[1] + "/metrics").body();
      assertThat(validatorMetrics).contains("deltachain_validator_verdicts_total{approve=")
          .contains("deltachain_validator_delta_bytes").contains("vertx_eventbus_").contains("jvm_memory_used_bytes")
          .doesNotContain("deltachain_trainer_tokens_per_second");
      String trainerMetrics = get("http://" + ip + ":" + metrics[2] + "/metrics").body();
      assertThat(trainerMetrics).contains("deltachain_trainer_tokens_per_second{trainer=\"" + trainerKey.addressHex() + "\"}")
          .contains("deltachain_trainer_delta_bytes").contains("deltachain_trainer_chain_submit_seconds")
          .doesNotContain("deltachain_validator_verdicts_total");
    } catch (AssertionError | RuntimeException e) {
      for (NodeProcess p : procs) {
        System.out.println("--- " + p.name() + " ---\n" + p.tail(60));
      }
      throw e;
    } finally {
      procs.forEach(NodeProcess::close);
      net.close();
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private JsonObject health(int port) {
    return new JsonObject(get("http://127.0.0.1:" + port + "/health").body());
  }

  private HttpResponse<String> get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
