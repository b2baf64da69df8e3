package io.deltachain.validator.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two validator processes (separate JVMs, one single-threaded, one with three worker threads)
 * aggregate the same accepted delta files and must write byte-identical checkpoint files.
 */
class AggregationDeterminismIT {
  private static final String LAYER = "model.layers.4";
  private static final int N = 9;
  private static final int F = 2;

  @TempDir static Path dir;
  private static final List<String> deltaArgs = new ArrayList<>();
  private static Path base;

  @BeforeAll
  static void writeInputs() throws IOException {
    SplittableRandom rnd = new SplittableRandom(2024);
    SortedMap<String, DenseTensor> baseTensors = new TreeMap<>();
    baseTensors.put(LAYER + ".mlp.down_proj.weight", AggregationFixtures.random(rnd, 96, 130));
    baseTensors.put(LAYER + ".self_attn.o_proj.weight", AggregationFixtures.random(rnd, 64, 257));
    baseTensors.put(LAYER + ".input_layernorm.weight", AggregationFixtures.random(rnd, 64));
    base = dir.resolve("base.safetensors");
    CheckpointFiles.write(base, baseTensors, Map.of("deltachain.layer", LAYER));
    for (int i = 0; i < N; i++) {
      Map<String, DenseTensor> t = new TreeMap<>();
      // two poisoned deltas (large), the rest honest-looking noise around a shared direction
      double scale = i < F ? 50 : 1;
      t.put(LAYER + ".mlp.down_proj.weight", scaled(AggregationFixtures.random(rnd, 96, 130), scale));
      t.put(LAYER + ".self_attn.o_proj.weight", scaled(AggregationFixtures.random(rnd, 64, 257), scale));
      Path file = dir.resolve("delta-" + i + ".safetensors");
      CheckpointFiles.write(file, new TreeMap<>(t), Map.of());
      deltaArgs.add(file + ":" + (1000 + 17 * i));
    }
  }

  private static DenseTensor scaled(DenseTensor t, double s) {
    float[] v = t.values();
    for (int k = 0; k < v.length; k++) {
      v[k] = (float) (v[k] * s);
    }
    return t;
  }

  @ParameterizedTest
  @EnumSource(value = AggregationMethod.class, names = {"WEIGHTED_MEAN", "KRUM", "MULTI_KRUM", "TRIMMED_MEAN", "COORDINATE_MEDIAN"})
  @DisplayName("two JVMs aggregating the same deltas write byte-identical checkpoints")
  void separateJvmsAgree(AggregationMethod method) throws Exception {
    Path outA = dir.resolve(method + "-a.safetensors");
    Path outB = dir.resolve(method + "-b.safetensors");
    String hashA = runJvm(method, 1, outA);
    String hashB = runJvm(method, 3, outB);
    assertThat(hashA).isEqualTo(hashB);
    assertThat(Files.readAllBytes(outA)).isEqualTo(Files.readAllBytes(outB));
    assertThat(ContentHash.sha256(outA).hex()).isEqualTo(hashA);

    // the checkpoint really moved: it differs from the base, and reads back as base + aggregate
    SortedMap<String, DenseTensor> ckpt = CheckpointFiles.readTensors(outA);
    SortedMap<String, DenseTensor> baseTensors = CheckpointFiles.readTensors(base);
    assertThat(ckpt.keySet()).isEqualTo(baseTensors.keySet());
    assertThat(ckpt.get(LAYER + ".mlp.down_proj.weight")).isNotEqualTo(baseTensors.get(LAYER + ".mlp.down_proj.weight"));
    assertThat(ckpt.get(LAYER + ".input_layernorm.weight")).isEqualTo(baseTensors.get(LAYER + ".input_layernorm.weight"));

    // and the in-process result is the same file
    List<LayerDelta> deltas = new ArrayList<>();
    long[] tokens = new long[N];
    for (int i = 0; i < N; i++) {
      String[] parts = deltaArgs.get(i).split(":");
      deltas.add(CheckpointFiles.readDenseDelta(Path.of(parts[0]), LAYER));
      tokens[i] = Long.parseLong(parts[1]);
    }
    Path outC = dir.resolve(method + "-c.safetensors");
    ContentHash inProcess = AggregateCommand.run(method, F, 2, LAYER, baseTensors, deltas, tokens, outC);
    assertThat(inProcess.hex()).isEqualTo(hashA);
  }

  private static String runJvm(AggregationMethod method, int threads, Path out) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        AggregateCommand.class.getName(),
        method.name(), Integer.toString(F), Integer.toString(threads), LAYER, base.toString(), out.toString()));
    cmd.addAll(deltaArgs);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("aggregation JVM did not finish in 120 s");
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("exit code; output:%n%s", output).isZero();
      String line = output.lines().filter(l -> l.startsWith("checkpoint ")).findFirst()
          .orElseThrow(() -> new AssertionError("no checkpoint line in output:\n" + output));
      return line.substring("checkpoint ".length()).trim();
    } finally {
      p.destroyForcibly();
    }
  }
}
