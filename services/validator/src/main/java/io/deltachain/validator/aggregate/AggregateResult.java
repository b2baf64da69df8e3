package io.deltachain.validator.aggregate;

import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.validator.delta.DenseTensor;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The aggregate delta of one layer and which input deltas it was built from.
 *
 * @param method the method used
 * @param names tensor names in sorted order
 * @param shapes tensor shapes, aligned with names
 * @param values aggregated values per tensor, aligned with names
 * @param contributors indices (into the input set) of the deltas that entered the result, ascending
 * @param krumScores Krum score per input delta (sum of squared distances to its n-f-2 nearest);
 *     empty for the other methods
 */
public record AggregateResult(
    AggregationMethod method,
    List<String> names,
    int[][] shapes,
    float[][] values,
    int[] contributors,
    double[] krumScores) {

  /** The aggregate as named dense tensors, in sorted order. */
  public SortedMap<String, DenseTensor> tensors() {
    SortedMap<String, DenseTensor> out = new TreeMap<>();
    for (int s = 0; s < names.size(); s++) {
      out.put(names.get(s), new DenseTensor(shapes[s], values[s]));
    }
    return out;
  }
}
