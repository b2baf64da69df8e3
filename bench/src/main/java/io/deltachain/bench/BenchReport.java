package io.deltachain.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the summary table of a JMH JSON result file ({@code -rf json}): throughput in GB/s for
 * the safetensors benchmarks (with the ratio to the file-copy baselines) and in M elements/s for
 * quantization, next to the project's goals.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.deltachain.bench.BenchReport results.json}
 */
public final class BenchReport {
  private BenchReport() {}

  /** Entry point. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: BenchReport <jmh-results.json>");
      System.exit(2);
    }
    JsonArray results = new JsonArray(Files.readString(Path.of(args[0])));
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (Object o : results) {
      JsonObject r = (JsonObject) o;
      String name = r.getString("benchmark");
      name = name.substring(name.lastIndexOf('.') + 1);
      JsonObject m = r.getJsonObject("primaryMetric");
      double err = m.getValue("scoreError") instanceof Number n ? n.doubleValue() : Double.NaN;
      scores.put(name, new double[] {m.getDouble("score"), err});
    }
    double copy = scores.containsKey("baselineFilesCopy") ? scores.get("baselineFilesCopy")[0] : Double.NaN;
    double copyFsync = scores.containsKey("baselineTransferToFsync") ? scores.get("baselineTransferToFsync")[0] : Double.NaN;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-26s %11s %10s %-9s %-26s %s%n", "benchmark", "throughput", "+/-", "unit",
        "ratio to baseline", "goal"));
    sb.append("-".repeat(100)).append('\n');
    for (Map.Entry<String, double[]> e : scores.entrySet()) {
      String name = e.getKey();
      double score = e.getValue()[0];
      double err = e.getValue()[1];
      boolean bytes = !name.contains("Quantize") && !name.contains("Dequantize");
      double scale = bytes ? 1e9 : 1e6;
      String unit = bytes ? "GB/s" : "M elem/s";
      String ratio = "";
      String goal = "";
      if (bytes) {
        double base = name.startsWith("write") ? copyFsync : copy;
        if (!name.startsWith("baseline") && !Double.isNaN(base)) {
          ratio = String.format(Locale.ROOT, "%.2fx %s", score / base,
              name.startsWith("write") ? "copy+fsync" : "Files.copy");
        }
        if (name.startsWith("read")) {
          goal = score >= 1e9 ? ">= 1 GB/s: met" : ">= 1 GB/s: NOT met";
        }
      } else if (name.equals("nf4Dequantize")) {
        goal = score >= 500e6 ? ">= 500 M/s: met" : ">= 500 M/s: NOT met";
      }
      sb.append(String.format(Locale.ROOT, "%-26s %11.3f %10.3f %-9s %-26s %s%n", name, score / scale,
          Double.isNaN(err) ? 0 : err / scale, unit, ratio, goal));
    }
    System.out.print(sb);
  }
}
