package io.deltachain.validator.verdict;

import static io.deltachain.validator.verdict.ValidationResult.invalid;

import io.deltachain.validator.delta.LayerDelta;

/**
 * Check 5: copying. Compares the delta with every earlier delta of another trainer for the same
 * layer in the round (earlier in chain order, so the first submitter is the original): a cosine
 * at or above the policy's threshold, or an overlap of the top-k coordinates (by magnitude) at
 * or above its threshold, marks a copy (Templar's overlap test catches copies that were
 * rescaled or lightly perturbed). Every delta that reaches this check is remembered for later
 * comparisons, whatever its outcome.
 */
public final class CopyRule implements DeltaRule {

  @Override
  public ValidationResult check(DeltaUnderReview d, CheckContext ctx, Evidence evidence) {
    LayerDelta dense = d.dense();
    ValidatorPolicy p = ctx.policy();
    int k = (int) Math.max(1, Math.min(dense.numel(), dense.numel() * p.topKPpm() / 1_000_000));
    int[] top = DeltaVectors.topK(dense, k);
    long worstCos = Long.MIN_VALUE;
    long worstOverlap = 0;
    ValidationResult result = ValidationResult.valid();
    for (RoundState.Seen other : ctx.state().seen(d.layer())) {
      if (other.trainer().equals(d.trainer()) || !DeltaVectors.aligned(other.dense(), dense)) {
        continue;
      }
      long cosPpm = Math.round(DeltaVectors.cosine(dense, other.dense()) * 1e6);
      long overlapPpm = other.topK().length == k ? DeltaVectors.overlap(top, other.topK()) * 1_000_000L / k : 0;
      worstCos = Math.max(worstCos, cosPpm);
      worstOverlap = Math.max(worstOverlap, overlapPpm);
      if (result.isValid() && cosPpm >= p.copyCosinePpm()) {
        result = invalid(ReasonCode.NEAR_DUPLICATE, "cosine " + cosPpm + " ppm to delta " + other.deltaId() + " of trainer "
            + other.trainer() + " (threshold " + p.copyCosinePpm() + ")");
      } else if (result.isValid() && overlapPpm >= p.topKOverlapPpm()) {
        result = invalid(ReasonCode.TOP_K_OVERLAP, "top-" + k + " coordinates overlap " + overlapPpm + " ppm with delta "
            + other.deltaId() + " of trainer " + other.trainer() + " (threshold " + p.topKOverlapPpm() + ")");
      }
    }
    evidence.copyMeasures(worstCos == Long.MIN_VALUE ? 0 : worstCos, worstOverlap);
    ctx.state().recordSeen(d, top);
    return result;
  }
}
