package io.deltachain.validator.aggregate;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Aggregates dense delta files into a checkpoint file from the command line and prints the
 * checkpoint's SHA-256. Used to show that separate JVMs produce byte-identical checkpoints, and
 * handy for operators re-checking a proposed checkpoint by hand.
 *
 * <p>Usage: {@code AggregateCommand METHOD F THREADS LAYER BASE.safetensors OUT.safetensors
 * DELTA1.safetensors:TOKENS [DELTA2.safetensors:TOKENS ...]}
 */
public final class AggregateCommand {
  private AggregateCommand() {}

  /** Entry point; prints {@code checkpoint <hex>} on success, exits 2 on bad arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length < 7) {
      System.err.println("usage: AggregateCommand METHOD F THREADS LAYER BASE OUT DELTA:TOKENS...");
      System.exit(2);
    }
    AggregationMethod method = AggregationMethod.valueOf(args[0]);
    int f = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    String layer = args[3];
    Path base = Path.of(args[4]);
    Path out = Path.of(args[5]);
    List<LayerDelta> deltas = new ArrayList<>();
    List<Long> tokens = new ArrayList<>();
    for (String spec : Arrays.copyOfRange(args, 6, args.length)) {
      int colon = spec.lastIndexOf(':');
      if (colon < 0) {
        System.err.println("delta argument '" + spec + "' must be FILE:TOKENS");
        System.exit(2);
      }
      deltas.add(CheckpointFiles.readDenseDelta(Path.of(spec.substring(0, colon)), layer));
      tokens.add(Long.parseLong(spec.substring(colon + 1)));
    }
    ContentHash hash = run(method, f, threads, layer, CheckpointFiles.readTensors(base), deltas,
        tokens.stream().mapToLong(Long::longValue).toArray(), out);
    System.out.println("checkpoint " + hash.hex());
  }

  /** Aggregates, applies to the base, writes the checkpoint, returns its hash. */
  public static ContentHash run(AggregationMethod method, int f, int threads, String layer,
      SortedMap<String, DenseTensor> base, List<LayerDelta> deltas, long[] tokens, Path out) throws IOException {
    AggregateResult r = new RobustAggregator(threads).aggregate(DeltaSet.of(deltas, tokens), AggregationSpec.of(method, f));
    SortedMap<String, String> meta = new TreeMap<>();
    meta.put("deltachain.layer", layer);
    meta.put("deltachain.aggregation", method.name());
    meta.put("deltachain.byzantine_f", Integer.toString(f));
    meta.put("deltachain.contributors", Arrays.toString(r.contributors()));
    return CheckpointFiles.write(out, CheckpointBuilder.apply(base, r), meta);
  }
}
