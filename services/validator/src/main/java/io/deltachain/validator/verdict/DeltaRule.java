package io.deltachain.validator.verdict;

/**
 * One single-purpose verdict check. Rules never throw for a bad delta: they return
 * {@link ValidationResult#invalid}. They may record measurements in the {@link Evidence}, which
 * later rules and the score read.
 */
@FunctionalInterface
public interface DeltaRule {
  /** Checks the delta in its round's context. */
  ValidationResult check(DeltaUnderReview delta, CheckContext context, Evidence evidence);
}
