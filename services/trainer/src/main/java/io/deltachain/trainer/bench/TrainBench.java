package io.deltachain.trainer.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LoraConfig;
import io.deltachain.trainer.train.TrainingConfig;
import io.deltachain.trainer.train.TrainingSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training throughput of one configuration: {@code TrainBench <profile|config.json> <FULL|LORA>
 * <batch> <seq> <warmup> <steps>}. Prints one line {@code djl <profile> <mode> <tokens/s wall> <loss> <tokens per CPU-second>}.
 * The batches are random tokens (throughput does not depend on the text); AdamW, global clip 1.0,
 * LoRA r=8, alpha=16 on all seven projections, fp32; tokens/s = tokens of one step / median step time; tokens per CPU-second over all timed steps.
 */
public final class TrainBench {
  private TrainBench() {
  }

  /**
   * Runs the benchmark.
   *
   * @param args profile, mode, batch, sequence length, warm-up steps, timed steps
   */
  public static void main(String[] args) {
    if (args.length != 6) {
      System.err.println("usage: TrainBench <profile|config.json> <FULL|LORA> <batch> <seq> <warmup> <steps>");
      System.exit(2);
    }
    ModelProfile profile = Files.isRegularFile(Path.of(args[0]))
        ? ModelProfiles.fromConfigJson(Path.of(args[0]))
        : ModelProfiles.bundled(args[0]);
    TrainingMode mode = TrainingMode.valueOf(args[1]);
    int batch = Integer.parseInt(args[2]);
    int seq = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    int steps = Integer.parseInt(args[5]);
    int[] stream = new SplittableRandom(1).ints((long) batch * seq * (warmup + steps) + 1, 0,
        profile.vocabSize()).toArray();
    Device device = Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    try (CausalLm model = new CausalLm(profile, device, 1)) {
      TrainingConfig.Builder b = TrainingConfig.builder().setMode(mode).setSteps(warmup + steps)
          .optBatch(batch, seq).optLearningRate(1e-4, 1e-5, 0).optGradClip(1.0, 0);
      if (mode.isLora()) {
        b.optLora(LoraConfig.allLinear(8, 16));
      }
      try (TrainingSession s = new TrainingSession(model, b.build(),
          new PackedBatches(stream, batch, seq, 1, "bench"), null)) {
        for (int i = 0; i < warmup; i++) {
          s.trainStep();
        }
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double[] times = new double[steps];
        double loss = 0;
        long cpu0 = os.getProcessCpuTime();
        for (int i = 0; i < steps; i++) {
          long t0 = System.nanoTime();
          loss = s.trainStep().loss();
          times[i] = (System.nanoTime() - t0) / 1e9;
        }
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        // The median step is robust against other processes on a shared machine; process CPU time
        // (JIT and GC threads included) even more so, as it does not count waiting for a core. It is
        // taken over all timed steps because the JVM reads it with 10 ms granularity.
        java.util.Arrays.sort(times);
        System.out.printf(Locale.ROOT, "djl %s %s %.1f %.4f %.1f%n", profile.name(), mode,
            batch * seq / times[steps / 2], loss, (double) batch * seq * steps / cpu);
      }
    }
  }
}
