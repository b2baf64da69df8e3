package io.deltachain.inference.remote;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.deltachain.core.bus.ClusterFactory;
import io.deltachain.core.bus.ClusterOptions;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.inference.decode.DjlDecoderModel;
import io.deltachain.inference.decode.GenerationStats;
import io.deltachain.inference.decode.ModelDrafter;
import io.deltachain.inference.decode.SpeculativeDecoder;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.Sampler;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Distributed speculation: the draft model runs in its own JVM (a cluster member of its own, as a
 * small-GPU node would), the target here; they talk over the Hazelcast-clustered event bus on
 * loopback.
 */
class DistributedDraftIT {
  private static final String ADDRESS = "deltachain.inference.draft.test";
  private static Process draftNode;
  private static Vertx vertx;
  private static DjlDecoderModel target;
  private static final List<String> draftLog = new ArrayList<>();

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    int mine = freePort();
    int theirs = freePort();
    String members = "127.0.0.1:" + mine + ",127.0.0.1:" + theirs;
    draftNode = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dhazelcast.phone.home.enabled=false",
        "-cp", System.getProperty("java.class.path"), DraftServiceMain.class.getName(),
        "tiny-qwen3-1m", "3", ADDRESS, "127.0.0.1", Integer.toString(theirs), members)
        .redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(draftNode.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (draftLog) {
            draftLog.add(line);
            draftLog.notifyAll();
          }
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    vertx = ClusterFactory.start(ClusterOptions.builder().setClusterName("deltachain-inference").setBindHost("127.0.0.1")
        .optHazelcastPort(mine).optPortAutoIncrement(false).optMembers(List.of(members.split(","))).build())
        .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    target = new DjlDecoderModel(new CausalLm(ModelProfiles.bundled("tiny-1m"), Device.cpu(), 7), "tiny-1m@7");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    synchronized (draftLog) {
      while (draftLog.stream().noneMatch(l -> l.startsWith("draft ready"))) {
        assertThat(draftNode.isAlive()).as("draft node died: %s", draftLog).isTrue();
        assertThat(System.nanoTime()).as("draft node not ready in 120 s: %s", draftLog).isLessThan(deadline);
        draftLog.wait(1000);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (draftNode != null) {
      draftNode.destroy();
      if (!draftNode.waitFor(20, TimeUnit.SECONDS)) {
        draftNode.destroyForcibly();
      }
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (target != null) {
      target.model().close();
    }
  }

  private static int[] generate(int[] prompt, int n, Sampler s, long seed, io.deltachain.inference.decode.Drafter d,
      GenerationStats[] st) throws Exception {
    return vertx.<int[]>executeBlocking(() -> {
      List<Integer> out = new ArrayList<>();
      st[0] = new SpeculativeDecoder(target, 4, 8).generate(prompt, n, s, seed, d, out::add, () -> false);
      return out.stream().mapToInt(Integer::intValue).toArray();
    }).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a draft on another cluster member gives the same tokens as plain decoding (greedy) and as a local draft (sampling)")
  void remoteDraft() throws Exception {
    int[] prompt = new ByteTokenizer(256).encode("Resumption of the session");
    GenerationStats[] st = new GenerationStats[1];
    int[] plain = generate(prompt, 40, Sampler.GREEDY, 1, null, st);
    try (EventBusDrafter remote = new EventBusDrafter(vertx, ADDRESS, Duration.ofSeconds(30))) {
      assertThat(remote.name()).isEqualTo("tiny-qwen3-1m@3@" + ADDRESS);
      assertThat(generate(prompt, 40, Sampler.GREEDY, 1, remote, st)).isEqualTo(plain);
      assertThat(st[0].drafted()).isPositive();
      assertThat(st[0].draftError()).isNull();
    }
    Sampler s = new Sampler(0.9, 0, 0.95);
    int[] remoteSampled;
    try (EventBusDrafter remote = new EventBusDrafter(vertx, ADDRESS, Duration.ofSeconds(30))) {
      remoteSampled = generate(prompt, 30, s, 77, remote, st);
    }
    try (CausalLm local = new CausalLm(ModelProfiles.bundled("tiny-qwen3-1m"), Device.cpu(), 3);
        ModelDrafter d = new ModelDrafter(new DjlDecoderModel(local, "local"))) {
      assertThat(generate(prompt, 30, s, 77, d, st)).isEqualTo(remoteSampled);
    }
  }

  @Test
  @DisplayName("an unknown draft address fails fast with a message naming it")
  void missingDraftService() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EventBusDrafter(vertx, "deltachain.inference.draft.none",
        Duration.ofSeconds(5))).hasMessageContaining("deltachain.inference.draft.none");
  }
}
