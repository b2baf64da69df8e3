package io.deltachain.validator.aggregate;

import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.testmodel.TinyMlp;
import io.deltachain.validator.testmodel.TinyRound;
import io.deltachain.validator.testmodel.TinyTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Robustness of the aggregation methods on the tiny model: n deltas of which f are poisoned;
 * the held-out loss of base + aggregate for each method, beside the honest-only mean. Run
 * {@code main} to print the table (see docs/validator.md for the command).
 */
public final class RobustnessTable {
  /** Deltas per round. */
  public static final int N = 10;
  /** Held-out examples (never part of any shard or the round's eval set). */
  public static final int HELD_OUT = 4000;

  /** One row: attack, f, and held-out loss per method. */
  public record Row(String attack, int f, double baseLoss, double honestOnly, Map<String, Double> loss) {}

  private RobustnessTable() {}

  /** Computes the table rows for f = 0..3 and two attacks. */
  public static List<Row> compute() throws Exception {
    Path dir = Files.createTempDirectory("robustness");
    try {
      TinyRound round = new TinyRound(dir);
      TinyTask.Data heldOut = round.task.sample(0x4E1D0L, HELD_OUT);
      double baseLoss = round.base.meanLoss(heldOut);
      List<LayerDelta> honest = new ArrayList<>();
      for (int s = 0; s < N; s++) {
        honest.add(round.trainHonest(s, 500 + s));
      }
      List<Row> rows = new ArrayList<>();
      for (String attack : List.of("sign-flip x10", "noise x10")) {
        for (int f = 0; f <= 3; f++) {
          List<LayerDelta> deltas = new ArrayList<>(honest.subList(0, N - f));
          for (int p = 0; p < f; p++) {
            deltas.add(poison(attack, honest.get(p), p));
          }
          long[] tokens = new long[N];
          Arrays.fill(tokens, (long) TinyTask.SHARD_SIZE * TinyRound.EPOCHS);
          DeltaSet honestSet = DeltaSet.of(deltas.subList(0, N - f), Arrays.copyOf(tokens, N - f));
          DeltaSet all = DeltaSet.of(deltas, tokens);
          RobustAggregator agg = new RobustAggregator();
          double honestOnly = loss(round.base, agg.aggregate(honestSet, AggregationSpec.of(AggregationMethod.WEIGHTED_MEAN, 0)), heldOut);
          Map<String, Double> loss = new LinkedHashMap<>();
          loss.put("mean", loss(round.base, agg.aggregate(all, AggregationSpec.of(AggregationMethod.WEIGHTED_MEAN, f)), heldOut));
          loss.put("krum", loss(round.base, agg.aggregate(all, AggregationSpec.of(AggregationMethod.KRUM, f)), heldOut));
          loss.put("multi-krum", loss(round.base, agg.aggregate(all, AggregationSpec.of(AggregationMethod.MULTI_KRUM, f)), heldOut));
          loss.put("trimmed", loss(round.base, agg.aggregate(all, AggregationSpec.of(AggregationMethod.TRIMMED_MEAN, f)), heldOut));
          loss.put("median", loss(round.base, agg.aggregate(all, AggregationSpec.of(AggregationMethod.COORDINATE_MEDIAN, f)), heldOut));
          rows.add(new Row(attack, f, baseLoss, honestOnly, loss));
        }
      }
      return rows;
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static LayerDelta poison(String attack, LayerDelta template, int p) {
    if (attack.startsWith("sign-flip")) {
      return template.scaled(-10f);
    }
    SplittableRandom r = new SplittableRandom(77 + p);
    double norm = Math.sqrt(template.squaredNorm()) * 10;
    float[] v = template.tensor(TinyMlp.W1).values().clone();
    double ss = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
      ss += (double) v[i] * v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] * norm / Math.sqrt(ss));
    }
    return new LayerDelta(template.layer(), Map.of(TinyMlp.W1,
        new io.deltachain.validator.delta.DenseTensor(template.tensor(TinyMlp.W1).shape(), v)));
  }

  private static double loss(TinyMlp base, AggregateResult r, TinyTask.Data data) {
    return base.plus(new LayerDelta(TinyMlp.LAYER1, r.tensors())).meanLoss(data);
  }

  /** The table as Markdown. */
  public static String format(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("held-out loss (mean cross-entropy, %d examples) after base + aggregate; n = %d deltas, f poisoned%n", HELD_OUT, N));
    sb.append(String.format("base checkpoint loss: %.4f%n%n", rows.get(0).baseLoss()));
    sb.append("| attack | f | honest-only mean | mean | krum | multi-krum | trimmed mean | median |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(String.format("| %s | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f |%n", r.attack(), r.f(), r.honestOnly(),
          r.loss().get("mean"), r.loss().get("krum"), r.loss().get("multi-krum"), r.loss().get("trimmed"), r.loss().get("median")));
    }
    return sb.toString();
  }

  /** Prints the table. */
  public static void main(String[] args) throws Exception {
    System.out.print(format(compute()));
  }
}
