package io.deltachain.inference.decode;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses a draft for a target by size: among the candidates that share the target's vocabulary
 * and cover its context length, the largest one with at most {@code maxFraction} of the target's
 * parameters (a draft much cheaper than the target is the point; among those, the larger drafts
 * agree with the target more often). None qualifies: no speculation.
 */
public final class DraftSelector {
  private final double maxFraction;

  /** @param maxFraction largest draft/target parameter ratio, in (0, 1) */
  public DraftSelector(double maxFraction) {
    if (!(maxFraction > 0 && maxFraction < 1)) {
      throw new IllegalArgumentException("draft size fraction must be in (0, 1), got " + maxFraction);
    }
    this.maxFraction = maxFraction;
  }

  /**
   * @param target the target model
   * @param candidates models available as drafts
   * @return the chosen draft, if any
   */
  public Optional<DecoderModel> choose(DecoderModel target, List<? extends DecoderModel> candidates) {
    return candidates.stream()
        .filter(c -> c != target)
        .filter(c -> c.vocabSize() == target.vocabSize())
        .filter(c -> c.maxPositions() >= target.maxPositions())
        .filter(c -> c.parameterCount() <= maxFraction * target.parameterCount())
        .max(Comparator.comparingLong(DecoderModel::parameterCount).thenComparing(DecoderModel::name))
        .map(c -> (DecoderModel) c);
  }
}
