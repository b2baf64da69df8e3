package io.deltachain.launcher.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.store.DeltaStoreConfig;
import io.deltachain.store.DeltaStoreService;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.pipeline.ActivationRecord;
import io.deltachain.trainer.pipeline.PipelineCoordinator;
import io.deltachain.trainer.pipeline.PipelineLayout;
import io.deltachain.trainer.pipeline.PipelineRun;
import io.deltachain.trainer.pipeline.StageClient;
import io.deltachain.trainer.pipeline.proto.PipelineStageGrpcClient;
import io.deltachain.trainer.pipeline.proto.StatusRequest;
import io.deltachain.trainer.train.TrainingSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.GrpcClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 8, pipeline part, as an operator runs it: four {@code deltachain node --roles stage} JVMs
 * on loopback (three stages and a spare), {@code deltachain pipeline train} against them (in this
 * JVM, so the test can act at a given step), a real delta store. One stage is killed (SIGKILL) in
 * the middle of step 4; the spare takes its span, gets the coordinator's copy of the dead stage's
 * last checkpoint, and the run ends on the loss curve of single-process training of the same
 * model, data and seed (tolerance 1e-4 per step, as in the trainer module's PipelineIT). Every
 * delta is in the store, names only its stage's layers and carries the activation record that
 * {@code deltachain pipeline check} accepts, and that check catches a stage whose record lies.
 */
class PipelineCommandIT {
  private static final double TOLERANCE = 1e-4;
  private static final Pattern READY = Pattern.compile("\\[node\\] ready: stage 127\\.0\\.0\\.1:(\\d+)");
  /** The stages' shared token: the nodes read it from the environment, the command from a file. */
  private static final String TOKEN = "pipeline-it-stage-token-0123";
  private static final Pattern STEP = Pattern.compile("\\[pipeline\\] step (\\d+)/(\\d+) loss ([0-9.]+) tokens/s");

  /** One {@code deltachain node --roles stage} JVM, its output in a log file. */
  private static final class StageNode implements AutoCloseable {
    final String name;
    final Process process;
    final Path log;
    int port = -1;

    StageNode(String name, Path home) throws IOException {
      this.name = name;
      this.log = home.resolveSibling(name + ".log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-Dai.djl.offline=true",
          "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
          "-cp", System.getProperty("java.class.path"), "io.deltachain.launcher.DeltachainCommand",
          "node", "--roles", "stage", "--chain-id", "pipeline-it", "--home", home.toString(), "--set", "stage.port=0",
          "--metrics-port", "0");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("DELTACHAIN_STAGE_TOKEN", TOKEN);
      this.process = pb.start();
    }

    String endpoint() {
      return "127.0.0.1:" + port;
    }

    void awaitReady(Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        Matcher m = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
          return;
        }
        if (!process.isAlive()) {
          throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
        }
        Thread.sleep(200);
      }
      throw new AssertionError(name + " did not get ready in " + timeout + ":\n" + Files.readString(log));
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      kill();
    }
  }

  private record Run(int code, String out, String err) {}

  /** Runs {@code deltachain pipeline check --out DIR ...} in this JVM. */
  private static Run check(Path outDir, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new PipelineCheckCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("--out", outDir.toString()));
    args.addAll(List.of(more));
    int code = cl.execute(args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  @DisplayName("three stage nodes and a spare: a stage SIGKILLed mid-step is replaced by the spare from the last "
      + "checkpoint, the loss curve is single-process training's, and every stage's deltas land in the delta store "
      + "with activation records a spot check accepts")
  void stagesOnNodesWithSpare(@TempDir Path dir) throws Exception {
    // the in-process reference as the stages compute (one intra-op thread), before the engine loads
    System.setProperty("ai.djl.pytorch.num_threads", "1");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Vertx vertx = Vertx.vertx();
    List<StageNode> nodes = new ArrayList<>();
    try {
      DeltaStoreService store = new DeltaStoreService(DeltaStoreConfig.localOnly(dir.resolve("store")));
      await(vertx.deployVerticle(store));
      String storeUrl = "http://127.0.0.1:" + store.httpPort();
      for (int i = 0; i < 4; i++) {
        nodes.add(new StageNode("stage-node-" + i, dir.resolve("node-" + i)));
      }
      for (StageNode n : nodes) {
        n.awaitReady(Duration.ofSeconds(120));
      }
      StageNode victim = nodes.get(1);
      StageNode spare = nodes.get(3);

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      boolean[] killed = {false};
      PipelineTrainCommand command = new PipelineTrainCommand().listener(new PipelineCoordinator.Listener() {
        @Override
        public void stepSent(long step) {
          if (step == 3 && !killed[0]) {
            killed[0] = true;
            try {
              victim.kill();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
      });
      CommandLine cl = new CommandLine(command);
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      Path outDir = dir.resolve("out");
      Path tokenFile = Files.writeString(dir.resolve("stage.token"), TOKEN + "\n");
      int code = cl.execute("--stage-token-file", tokenFile.toString(), "--stages", String.join(",", nodes.stream().map(StageNode::endpoint).toList()),
          "--profile", "tiny-1m", "--init-seed", "3", "--dataset", "europarl:600", "--shards", "2", "--shard", "0",
          "--data-seed", "11", "--steps", "6", "--micro-batches", "2", "--batch-size", "4", "--seq-len", "32",
          "--lr", "3e-3", "--min-lr", "3e-4", "--warmup", "1", "--seed", "5", "--checkpoint-every", "2",
          "--spans", "0-1,2-2,3-3", "--call-timeout", "30", "--step-timeout", "120", "--round-id", "4",
          "--out", outDir.toString(), "--keep-checkpoints",
          "--store-url", storeUrl);
      String printed = out.toString();
      System.out.println(printed);
      assertThat(code).as("exit code; stderr: %s", err).isZero();
      assertThat(killed[0]).isTrue();
      assertThat(victim.process.isAlive()).isFalse();
      assertThat(printed).contains("spares: [" + spare.endpoint() + "]")
          .contains("replaced [stage 1 -> " + spare.endpoint() + "]")
          .contains("restored the checkpoint of step 2, 2 steps redone");

      JsonObject summary = new JsonObject(Files.readString(outDir.resolve("summary.json"), StandardCharsets.UTF_8));
      PipelineRun run = PipelineRun.fromJson(summary.getJsonObject("run"));
      PipelineLayout layout = PipelineLayout.even(run.modelProfile(), 3);
      assertThat(summary.getJsonObject("layout").getJsonArray("spans").getList()).containsExactly("0-1", "2-2", "3-3");

      // The loss curve: printed per step (the last print of a redone step counts) and in the summary.
      List<Double> single = new ArrayList<>();
      PackedBatches data = PipelineData.shard(PipelineData.corpus("europarl:600"), 11, 2, 0, 4, 32,
          run.modelProfile().vocabSize());
      assertThat(summary.getJsonObject("data").getString("fingerprint")).isEqualTo(data.fingerprint());
      try (CausalLm model = new CausalLm(run.modelProfile(), Device.cpu(), run.initSeed());
          TrainingSession s = new TrainingSession(model, run.training(), data, null)) {
        for (int i = 0; i < 6; i++) {
          single.add(s.trainStep().loss());
        }
      }
      Map<Integer, Double> printedLoss = new TreeMap<>();
      Matcher m = STEP.matcher(printed);
      while (m.find()) {
        printedLoss.put(Integer.parseInt(m.group(1)) - 1, Double.parseDouble(m.group(3)));
      }
      JsonArray steps = summary.getJsonArray("steps");
      assertThat(steps).hasSize(6);
      assertThat(printedLoss).hasSize(6);
      for (int i = 0; i < 6; i++) {
        assertThat(steps.getJsonObject(i).getDouble("loss")).as("loss of step %d", i)
            .isCloseTo(single.get(i), Offset.offset(TOLERANCE));
        assertThat(printedLoss.get(i)).as("printed loss of step %d", i).isCloseTo(single.get(i), Offset.offset(TOLERANCE));
      }
      JsonArray recoveries = summary.getJsonArray("recoveries");
      assertThat(recoveries).hasSize(1);
      assertThat(recoveries.getJsonObject(0).getLong("failed_step")).isEqualTo(3);
      assertThat(recoveries.getJsonObject(0).getJsonArray("replaced_stages").getList()).containsExactly(1);
      assertThat(recoveries.getJsonObject(0).getLong("resumed_from_step")).isEqualTo(2);

      // The deltas: in the store, each naming only its stage's layers, with records that check out.
      DeltaStoreClient client = new DeltaStoreClient(vertx, storeUrl);
      List<ActivationRecord> records = new ArrayList<>();
      JsonArray stages = summary.getJsonArray("stages");
      assertThat(stages).hasSize(3);
      assertThat(stages.getJsonObject(1).getString("endpoint")).isEqualTo(spare.endpoint());
      List<List<String>> expectedLayers = List.of(List.of("model.embed_tokens", "model.layers.0", "model.layers.1"),
          List.of("model.layers.2"), List.of("lm_head", "model.layers.3", "model.norm"));
      for (int k = 0; k < 3; k++) {
        JsonObject st = stages.getJsonObject(k);
        List<String> layers = new ArrayList<>();
        ActivationRecord record = null;
        for (Object o : st.getJsonArray("deltas")) {
          JsonObject d = (JsonObject) o;
          assertThat(printed).contains("uploaded: " + d.getString("store_hash"));
          Path target = dir.resolve("fetched/stage-" + k + "/" + d.getString("layer") + ".safetensors");
          Files.createDirectories(target.getParent());
          Path fetched = await(client.download(ContentHash.parse(d.getString("store_hash")), target));
          assertThat(ContentHash.sha256(fetched).hex()).isEqualTo(d.getString("sha256"));
          DeltaFile delta = DeltaFile.read(fetched);
          assertThat(delta.metadata().layer()).isEqualTo(d.getString("layer"));
          assertThat(delta.metadata().roundId()).isEqualTo(4);
          assertThat(delta.metadata().metrics()).containsEntry("pipeline.stage", Integer.toString(k))
              .containsEntry("pipeline.layers", layout.span(k).toString())
              .containsEntry(ActivationRecord.METADATA_HASH_KEY, st.getString("activation_record_sha256"));
          layers.add(delta.metadata().layer());
          record = ActivationRecord.fromJson(new JsonObject(delta.metadata().metrics().get(ActivationRecord.METADATA_KEY)));
          assertThat(record.sha256()).isEqualTo(st.getString("activation_record_sha256"));
        }
        assertThat(layers).as("layers of stage %d", k).containsExactlyElementsOf(expectedLayers.get(k));
        // every step and micro-batch, including the ones the replacement redid
        assertThat(record.keys()).hasSize(6 * 2);
        records.add(record);
      }
      // The records in the delta files are the ones in --out, and a validator's spot check of the run passes:
      // links for every step, micro-batch 1 of step 0 recomputed through all three stages from the base.
      for (int k = 0; k < 3; k++) {
        assertThat(ActivationRecord.fromJson(new JsonObject(Files.readString(outDir.resolve(stages.getJsonObject(k)
            .getString("activation_record")), StandardCharsets.UTF_8))).sha256()).isEqualTo(records.get(k).sha256());
      }
      Run check = check(outDir, "--micro-batch", "1");
      System.out.println(check.out());
      assertThat(check.code()).as(check.out() + check.err()).isZero();
      assertThat(check.out()).contains("links: every step and micro-batch")
          .contains("stage 0: MATCH step 0 micro-batch 1").contains("stage 1: MATCH").contains("stage 2: MATCH")
          .contains("pipeline check: every stage matches");
      assertThat(check(outDir, "--micro-batch", "2").err()).contains("--micro-batch 2 is outside 0..1");
      // a later step from the stages' checkpoints of that step (kept with --keep-checkpoints; step 4's was
      // taken after the spare had replaced stage 1)
      Run later = check(outDir, "--step", "4", "--micro-batch", "0");
      System.out.println(later.out());
      assertThat(later.code()).as(later.out() + later.err()).isZero();
      assertThat(later.out()).contains("stage 0: MATCH step 4 micro-batch 0").contains("stage 2: MATCH step 4")
          .contains("pipeline check: every stage matches");
      assertThat(check(outDir, "--step", "3").err()).contains("no checkpoint of step 3 for stage 0");

      // a stage that recorded sending something else for micro-batch 1 of step 0 (its declared hash updated
      // to match, as a dishonest stage would): the link to stage 2 and the recomputation both say so
      Path recordFile = outDir.resolve(stages.getJsonObject(1).getString("activation_record"));
      JsonObject forged = new JsonObject(Files.readString(recordFile, StandardCharsets.UTF_8));
      forged.getJsonArray("steps").getJsonObject(0).getJsonArray("micro").getJsonObject(1).put("out", "00".repeat(32));
      Files.writeString(recordFile, forged.encode(), StandardCharsets.UTF_8);
      Run undeclared = check(outDir, "--micro-batch", "1");
      assertThat(undeclared.code()).isEqualTo(1);
      assertThat(undeclared.out()).contains("stage 1: MISMATCH: its activation record").contains("the summary says");
      stages.getJsonObject(1).put("activation_record_sha256", ActivationRecord.fromJson(forged).sha256());
      Files.writeString(outDir.resolve("summary.json"), summary.encodePrettily(), StandardCharsets.UTF_8);
      Run mismatch = check(outDir, "--micro-batch", "1");
      System.out.println(mismatch.out());
      assertThat(mismatch.code()).isEqualTo(1);
      assertThat(mismatch.out()).contains("link MISMATCH: step 0 micro-batch 1: stage 1 sent " + "00".repeat(32))
          .contains("stage 0: MATCH").contains("stage 1: MISMATCH step 0 micro-batch 1: the recomputed activation")
          .contains("stage 2 not recomputed").contains("pipeline check: MISMATCH");

      // The coordinator reset the stages it used: the survivors and the spare are free for the next run.
      GrpcClient grpc = GrpcClient.client(vertx);
      for (StageNode n : List.of(nodes.get(0), nodes.get(2), spare)) {
        assertThat(await(new StageClient(vertx, grpc, "127.0.0.1", n.port, n.name, TOKEN).call(
            PipelineStageGrpcClient.Status, StatusRequest.getDefaultInstance(), Duration.ofSeconds(10)))
            .getConfigured()).as(n.name).isFalse();
      }
      // the stage nodes took the token from DELTACHAIN_STAGE_TOKEN: a call without it is refused
      assertThatThrownBy(() -> await(new StageClient(vertx, grpc, "127.0.0.1", spare.port, spare.name).call(
          PipelineStageGrpcClient.Status, StatusRequest.getDefaultInstance(), Duration.ofSeconds(10))))
          .hasMessageContaining("UNAUTHENTICATED");
      await(client.close());
    } finally {
      for (StageNode n : nodes) {
        n.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
