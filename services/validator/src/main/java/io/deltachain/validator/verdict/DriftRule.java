package io.deltachain.validator.verdict;

import static io.deltachain.validator.verdict.ValidationResult.invalid;

import io.deltachain.validator.delta.LayerDelta;
import java.util.List;

/**
 * Check 4: drift and anomalies.
 *
 * <ul>
 *   <li>Cosine between the delta and the round's running consensus direction for the layer
 *       (sum of deltas accepted so far, seeded with the previous aggregate): below the policy's
 *       minimum, the delta pulls the layer somewhere the other trainers do not.</li>
 *   <li>Robust z-score of the delta's norm against the history of accepted norms:
 *       {@code (norm - median) / (1.4826 * MAD)}. Median and MAD, unlike mean and standard
 *       deviation, are not dragged by the outliers they are meant to catch. With a MAD of zero
 *       (identical history), one percent of the median stands in for it. Skipped while the
 *       history is shorter than the policy's minimum.</li>
 * </ul>
 */
public final class DriftRule implements DeltaRule {

  @Override
  public ValidationResult check(DeltaUnderReview d, CheckContext ctx, Evidence evidence) {
    LayerDelta dense = d.dense();
    LayerDelta consensus = ctx.state().consensus(d.layer());
    if (consensus != null && DeltaVectors.aligned(consensus, dense)) {
      long cosPpm = Math.round(DeltaVectors.cosine(dense, consensus) * 1e6);
      evidence.consensusCosinePpm(cosPpm);
      if (cosPpm < ctx.policy().minConsensusCosinePpm()) {
        return invalid(ReasonCode.AGAINST_CONSENSUS, "cosine to the round's consensus direction is " + cosPpm
            + " ppm, the minimum is " + ctx.policy().minConsensusCosinePpm());
      }
    }
    List<Double> history = ctx.state().normHistory(d.layer());
    if (history.size() >= ctx.policy().minNormHistory()) {
      double[] h = history.stream().mapToDouble(Double::doubleValue).toArray();
      double median = DeltaVectors.median(h);
      double[] dev = new double[h.length];
      for (int i = 0; i < h.length; i++) {
        dev[i] = Math.abs(h[i] - median);
      }
      double mad = DeltaVectors.median(dev);
      double scale = 1.4826 * (mad > 0 ? mad : 0.01 * median);
      double norm = Math.sqrt(dense.squaredNorm());
      double z = scale > 0 ? (norm - median) / scale : (norm == median ? 0 : Double.POSITIVE_INFINITY);
      long zMilli = Double.isInfinite(z) ? Long.MAX_VALUE : Math.round(z * 1000);
      evidence.normZMilli(zMilli);
      if (Math.abs(zMilli) > ctx.policy().maxNormZMilli()) {
        return invalid(ReasonCode.NORM_OUTLIER, String.format("norm %.6g has robust z-score %.2f against a median of %.6g "
            + "over %d accepted deltas (limit %.2f)", norm, z, median, h.length, ctx.policy().maxNormZMilli() / 1000.0));
      }
    }
    return ValidationResult.valid();
  }
}
