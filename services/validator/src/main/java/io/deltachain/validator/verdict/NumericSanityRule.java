package io.deltachain.validator.verdict;

import static io.deltachain.validator.verdict.ValidationResult.invalid;

import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import java.util.Map;

/**
 * Check 2: every value finite, and for every tensor {@code ||dW|| / ||W||} at most the round's
 * {@code max_norm_ratio_ppm}. The ratio is computed in double in index order and compared as
 * {@code ||dW|| * 1e6 <= bound * ||W||}, so no rounding to ppm can let a delta slip through.
 * A base tensor of norm zero (e.g. a bias initialised to zero) admits no delta at all under a
 * ratio bound; such tensors are reported rather than silently skipped.
 */
public final class NumericSanityRule implements DeltaRule {

  @Override
  public ValidationResult check(DeltaUnderReview d, CheckContext ctx, Evidence evidence) {
    for (Map.Entry<String, float[]> e : d.rawArrays().entrySet()) {
      float[] v = e.getValue();
      for (int k = 0; k < v.length; k++) {
        if (!Float.isFinite(v[k])) {
          return invalid(ReasonCode.NON_FINITE, "tensor '" + e.getKey() + "' has " + v[k] + " at index " + k);
        }
      }
    }
    LayerDelta dense = d.dense();
    long bound = ctx.plan().maxNormRatioPpm();
    long worstPpm = 0;
    for (Map.Entry<String, DenseTensor> e : dense.tensors().entrySet()) {
      DenseTensor w = ctx.baseWeights().get(e.getKey());
      if (w == null) {
        return invalid(ReasonCode.TARGET_MODULES_MISMATCH, "base checkpoint has no tensor '" + e.getKey() + "'");
      }
      double dn = e.getValue().l2Norm();
      double wn = w.l2Norm();
      if (!Double.isFinite(dn)) {
        return invalid(ReasonCode.NON_FINITE, "norm of '" + e.getKey() + "' overflows");
      }
      double ratioPpm = wn == 0 ? (dn == 0 ? 0 : Double.POSITIVE_INFINITY) : dn * 1e6 / wn;
      if (dn * 1e6 > bound * wn || (wn == 0 && dn > 0)) {
        return invalid(ReasonCode.NORM_RATIO_EXCEEDED, String.format(
            "||dW|| / ||W|| of '%s' is %.0f ppm, the round's bound is %d ppm", e.getKey(), ratioPpm, bound));
      }
      worstPpm = Math.max(worstPpm, (long) Math.ceil(ratioPpm));
    }
    evidence.maxNormRatioPpm(worstPpm);
    return ValidationResult.valid();
  }
}
