package io.deltachain.trainer.bench;

import ai.djl.Device;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LoraConfig;
import io.deltachain.trainer.train.TrainingConfig;
import io.deltachain.trainer.train.TrainingSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Peak memory and step time of training with and without activation checkpointing, in one
 * process: {@code CheckpointingBench <profile> <FULL|LORA> <batch> <seq> <rounds>}. Before each
 * measured step the kernel's peak-RSS mark is reset ({@code /proc/self/clear_refs}, value 5), so
 * the step's peak RSS above the RSS it started at is the memory the step needed (large tensors
 * are mmapped and returned on free, so RSS follows live tensors). Configurations alternate for
 * {@code rounds} rounds and the smallest peak and fastest step of each are kept. Linux only.
 */
public final class CheckpointingBench {
  private CheckpointingBench() {
  }

  /** @param args profile, mode, batch, sequence length, rounds */
  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      System.err.println("usage: CheckpointingBench <profile> <FULL|LORA> <batch> <seq> <rounds>");
      System.exit(2);
    }
    ModelProfile profile = ModelProfiles.bundled(args[0]);
    TrainingMode mode = TrainingMode.valueOf(args[1]);
    int batch = Integer.parseInt(args[2]);
    int seq = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    int[] stream = new SplittableRandom(1).ints((long) batch * seq * (2 * rounds + 4) + 1, 0,
        profile.vocabSize()).toArray();
    double[] peakMb = {Double.MAX_VALUE, Double.MAX_VALUE};
    double[] stepS = {Double.MAX_VALUE, Double.MAX_VALUE};
    try (CausalLm model = new CausalLm(profile, Device.cpu(), 1)) {
      TrainingSession[] sessions = new TrainingSession[2];
      for (int c = 0; c < 2; c++) {
        TrainingConfig.Builder b = TrainingConfig.builder().setMode(mode).setSteps(rounds + 2)
            .optBatch(batch, seq).optLearningRate(1e-5, 1e-6, 0).optActivationCheckpointing(c == 1);
        if (mode.isLora()) {
          b.optLora(LoraConfig.allLinear(8, 16));
        }
        sessions[c] = new TrainingSession(model, b.build(), new PackedBatches(stream, batch, seq, 1, "bench"), null);
        sessions[c].trainStep();
      }
      for (int r = 0; r < rounds; r++) {
        for (int c = 1; c >= 0; c--) {
          System.gc();
          long start = rssKb("VmRSS");
          Files.writeString(Path.of("/proc/self/clear_refs"), "5");
          long t0 = System.nanoTime();
          sessions[c].trainStep();
          stepS[c] = Math.min(stepS[c], (System.nanoTime() - t0) / 1e9);
          peakMb[c] = Math.min(peakMb[c], (rssKb("VmHWM") - start) / 1024.0);
        }
      }
      for (TrainingSession s : sessions) {
        s.close();
      }
    }
    System.out.printf(Locale.ROOT, "%-10s %-5s %5s %5s | %14s %14s %6s | %10s %10s %6s%n", "profile", "mode", "batch",
        "seq", "peak_MB_plain", "peak_MB_ckpt", "ratio", "step_plain", "step_ckpt", "ratio");
    System.out.printf(Locale.ROOT, "%-10s %-5s %5d %5d | %14.1f %14.1f %6.2f | %9.3fs %9.3fs %6.2f%n", profile.name(),
        mode, batch, seq, peakMb[0], peakMb[1], peakMb[1] / peakMb[0], stepS[0], stepS[1], stepS[1] / stepS[0]);
  }

  private static long rssKb(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    throw new IOException(field + " not in /proc/self/status");
  }
}
