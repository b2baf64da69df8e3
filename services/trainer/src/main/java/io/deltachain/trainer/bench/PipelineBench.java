package io.deltachain.trainer.bench;

import ai.djl.Device;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.pipeline.LocalJvmStageLauncher;
import io.deltachain.trainer.pipeline.PipelineCoordinator;
import io.deltachain.trainer.pipeline.PipelineLayout;
import io.deltachain.trainer.pipeline.PipelineRun;
import io.deltachain.trainer.pipeline.proto.Schedule;
import io.deltachain.trainer.train.TrainingConfig;
import io.deltachain.trainer.train.TrainingSession;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline throughput against single-process throughput, in one invocation:
 * {@code PipelineBench <profile> <stage counts, e.g. 2,3> <micro-batches> <batch> <seq> <steps> [schedules]}
 * (schedules: {@code gpipe,1f1b}, the default).
 * The single-process run ({@link TrainingSession}, gradient accumulation over the same
 * micro-batches) runs in this JVM before and after the pipelines, and the faster of the two is
 * kept; each pipeline runs its stages as separate JVMs on loopback ({@link LocalJvmStageLauncher},
 * one intra-op thread each). Tokens per second are over the steps after the first quarter
 * (warm-up: fresh JVMs take a few steps to reach speed); stage start-up is not counted. The bubble is measured (share of stage-time in a step's
 * forward/backward phase not spent computing, which includes transfers) and compared with GPipe's
 * {@code (S - 1) / (M + S - 1)} (the same for 1F1B, which reorders the passes but does not shorten
 * the pipeline's fill and drain). Memory: {@code held} is, per stage, the most micro-batches whose
 * activations (autograd graphs) it kept at once: M on every stage under GPipe, at most
 * {@code S - k} on stage k under 1F1B. The loss curves are compared too.
 */
public final class PipelineBench {
  private PipelineBench() {
  }

  /** @param args profile, stage counts, micro-batches, batch, seq, steps */
  public static void main(String[] args) throws Exception {
    if (args.length != 6 && args.length != 7) {
      System.err.println("usage: PipelineBench <profile> <stage counts, e.g. 2,3> <micro-batches> <batch> <seq> <steps>"
          + " [schedules, default gpipe,1f1b]");
      System.exit(2);
    }
    List<Schedule> schedules = new ArrayList<>();
    for (String s : (args.length == 7 ? args[6] : "gpipe,1f1b").split(",")) {
      schedules.add(switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "gpipe" -> Schedule.GPIPE;
        case "1f1b" -> Schedule.ONE_F_ONE_B;
        default -> throw new IllegalArgumentException("schedule '" + s + "' is gpipe or 1f1b");
      });
    }
    String profile = args[0];
    List<Integer> stageCounts = new ArrayList<>();
    for (String s : args[1].split(",")) {
      stageCounts.add(Integer.parseInt(s.strip()));
    }
    int micro = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    int seq = Integer.parseInt(args[4]);
    int steps = Integer.parseInt(args[5]);
    if (steps < 2) {
      throw new IllegalArgumentException("at least 2 steps: the first quarter (at least one) is warm-up");
    }
    // Fresh stage JVMs take a few steps to reach speed (JIT, allocator); a quarter of the run is skipped.
    int warmup = Math.max(1, steps / 4);
    TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.FULL).setSteps(steps).optBatch(batch, seq)
        .optGradientAccumulation(micro).optLearningRate(1e-3, 1e-4, 1).optSeed(1).build();
    PipelineRun run = new PipelineRun(profile, 1, null, cfg);
    int[] stream = new SplittableRandom(1).ints((long) batch * seq * micro * (steps + 2) + 1, 0,
        run.modelProfile().vocabSize()).toArray();

    Measured first = single(run, stream, warmup);
    List<Row> rows = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    Path tmp = Files.createTempDirectory("pipeline-bench");
    try {
      for (int n : stageCounts) {
        for (Schedule schedule : schedules) {
          PipelineLayout layout = PipelineLayout.even(run.modelProfile(), n);
          try (PipelineCoordinator c = new PipelineCoordinator(vertx, run, layout,
              LocalJvmStageLauncher.sameClasspath("-Xmx2g"),
              new PipelineCoordinator.Options(Duration.ofSeconds(120), Duration.ofSeconds(600), 0,
                  tmp.resolve("s" + n + schedule), 0, schedule))) {
            c.start();
            PipelineCoordinator.Result r = c.train(new PackedBatches(stream, batch, seq, 1, "bench"), null);
            double maxDiff = 0;
            for (int i = 0; i < steps; i++) {
              maxDiff = Math.max(maxDiff, Math.abs(r.losses().get(i) - first.losses().get(i)));
            }
            int[] held = new int[n];
            for (PipelineCoordinator.StepRecord s : r.steps()) {
              for (int k = 0; k < n; k++) {
                held[k] = Math.max(held[k], s.peakHeld()[k]);
              }
            }
            rows.add(new Row(n + " stages " + String.join(",", layout.spans().stream().map(Object::toString).toList())
                + (schedule == Schedule.GPIPE ? " gpipe" : " 1f1b"), r.tokensPerSecond(warmup),
                r.bubbleFraction(warmup), (n - 1) / (double) (micro + n - 1),
                String.join(",", java.util.Arrays.stream(held).mapToObj(Integer::toString).toList()), maxDiff));
          }
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      deleteRecursively(tmp);
    }
    Measured again = single(run, stream, warmup);
    double best = Math.max(first.tokensPerSecond(), again.tokensPerSecond());
    System.out.printf(Locale.ROOT, "profile %s, FULL, %d micro-batches of %d x %d tokens per step, %d steps (the first"
        + " %d not timed), one intra-op thread per JVM, %d cores%n", profile, micro, batch, seq, steps, warmup,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "%-27s %10s %10s %12s %13s %9s %11s%n", "run", "tokens/s", "vs_single",
        "bubble_meas", "bubble_gpipe", "held", "max|dloss|");
    System.out.printf(Locale.ROOT, "%-27s %10.1f %10.2f %12s %13s %9s %11s%n", "single process", best, 1.0, "-", "-",
        "-", "-");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "%-27s %10.1f %10.2f %12.3f %13.3f %9s %11.1e%n", r.name(), r.tokensPerSecond(),
          r.tokensPerSecond() / best, r.bubble(), r.gpipeBubble(), r.held(), r.maxLossDiff());
    }
  }

  private record Row(String name, double tokensPerSecond, double bubble, double gpipeBubble, String held,
      double maxLossDiff) {
  }

  private record Measured(double tokensPerSecond, List<Double> losses) {
  }

  /** A single-process run: tokens/s over the steps after the first, and its loss curve. */
  private static Measured single(PipelineRun run, int[] stream, int warmup) {
    TrainingConfig cfg = run.training();
    List<Double> losses = new ArrayList<>();
    long tokens = 0;
    long nanos = 0;
    try (CausalLm model = new CausalLm(run.modelProfile(), Device.cpu(), run.initSeed());
        TrainingSession s = new TrainingSession(model, cfg,
            new PackedBatches(stream, cfg.batchSize(), cfg.sequenceLength(), 1, "bench"), null)) {
      for (int i = 0; i < cfg.steps(); i++) {
        long t0 = System.nanoTime();
        var r = s.trainStep();
        long dt = System.nanoTime() - t0;
        losses.add(r.loss());
        if (i >= warmup) {
          tokens += r.tokens();
          nanos += dt;
        }
      }
    }
    return new Measured(tokens / (nanos / 1e9), losses);
  }

  private static void deleteRecursively(Path p) throws java.io.IOException {
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
