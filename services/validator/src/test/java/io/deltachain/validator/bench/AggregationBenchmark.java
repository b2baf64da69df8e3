package io.deltachain.validator.bench;

import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.validator.aggregate.AggregateResult;
import io.deltachain.validator.aggregate.AggregationSpec;
import io.deltachain.validator.aggregate.DeltaSet;
import io.deltachain.validator.aggregate.RobustAggregator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times Krum and the trimmed mean over n deltas of d floats: warm-up runs, then repeated timed
 * runs, median reported. Writes one TSV line per case (method, n, d, threads, median ms, check
 * value) so run.sh can put them beside the numpy timings.
 *
 * <p>Usage: {@code AggregationBenchmark --out FILE [--n 10,20] [--d 4000000,16000000]
 * [--reps 5] [--warmup 2] [--threads 1]}
 */
public final class AggregationBenchmark {
  private AggregationBenchmark() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws IOException {
    Path out = null;
    int[] ns = {10, 20};
    int[] ds = {4_000_000, 16_000_000};
    int[] threadCounts = {1};
    int reps = 5;
    int warmup = 2;
    for (int a = 0; a < args.length; a += 2) {
      String v = args[a + 1];
      switch (args[a]) {
        case "--out" -> out = Path.of(v);
        case "--n" -> ns = ints(v);
        case "--d" -> ds = ints(v);
        case "--threads" -> threadCounts = ints(v);
        case "--reps" -> reps = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[a]);
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("--out FILE is required");
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
      w.println("impl\tmethod\tn\td\tthreads\tmedian_ms\tcheck");
      for (int d : ds) {
        for (int n : ns) {
          int f = n / 5;
          float[][][] values = new float[n][1][];
          for (int i = 0; i < n; i++) {
            values[i][0] = SyntheticDeltas.delta(i, d, f);
          }
          long[] weights = new long[n];
          Arrays.fill(weights, 1);
          DeltaSet set = DeltaSet.ofSegments(List.of("w"), new int[][] {{d}}, values, weights);
          for (int threads : threadCounts) {
            RobustAggregator agg = new RobustAggregator(threads);
            time(w, "krum", n, d, threads, reps, warmup, () -> {
              AggregateResult r = agg.aggregate(set, AggregationSpec.of(AggregationMethod.KRUM, f));
              return String.valueOf(r.contributors()[0]);
            });
            time(w, "trimmed_mean", n, d, threads, reps, warmup, () -> {
              AggregateResult r = agg.aggregate(set, AggregationSpec.trimmedMeanBeta(0.2));
              return checksum(r.values()[0]);
            });
          }
          values = null;
          System.gc();
        }
      }
    }
  }

  private interface Case {
    String run();
  }

  private static void time(PrintWriter w, String method, int n, int d, int threads, int reps, int warmup, Case c) {
    String check = null;
    for (int k = 0; k < warmup; k++) {
      check = c.run();
    }
    List<Double> ms = new ArrayList<>();
    for (int k = 0; k < reps; k++) {
      long t0 = System.nanoTime();
      check = c.run();
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    ms.sort(Double::compare);
    double median = ms.size() % 2 == 1 ? ms.get(ms.size() / 2) : (ms.get(ms.size() / 2 - 1) + ms.get(ms.size() / 2)) / 2;
    String line = String.format("java\t%s\t%d\t%d\t%d\t%.1f\t%s", method, n, d, threads, median, check);
    w.println(line);
    w.flush();
    System.out.println(line + "\t(runs ms: " + ms + ")");
  }

  /** Sum and max magnitude of the result, so numpy's result can be compared against it. */
  private static String checksum(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x;
    }
    return String.format("sum=%.6e", sum);
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
