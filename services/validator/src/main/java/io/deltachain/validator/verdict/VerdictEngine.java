package io.deltachain.validator.verdict;

import java.util.List;

/**
 * Runs the verdict rules in order, stopping at the first failure, and updates the round state:
 * an approved delta joins the consensus direction and norm history. Deltas of a round must be
 * reviewed in chain order (see {@link RoundState}).
 */
public final class VerdictEngine {
  private final List<DeltaRule> rules;

  /** The standard order: structure, numeric sanity, proof of learning, drift, copying. */
  public VerdictEngine() {
    this(List.of(new StructureRule(), new NumericSanityRule(), new ProofOfLearningRule(), new DriftRule(), new CopyRule()));
  }

  /** A custom rule list (tests, or a round that disables a check). */
  public VerdictEngine(List<DeltaRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** Judges one delta. */
  public VerdictDecision review(DeltaUnderReview delta, CheckContext context) {
    Evidence evidence = new Evidence();
    for (DeltaRule rule : rules) {
      ValidationResult r = rule.check(delta, context, evidence);
      if (!r.isValid()) {
        return new VerdictDecision(delta.deltaId(), false, 0, r.reason(), r.message(), evidence);
      }
    }
    context.state().recordAccepted(delta);
    return new VerdictDecision(delta.deltaId(), true, Score.of(evidence), null, "", evidence);
  }
}
