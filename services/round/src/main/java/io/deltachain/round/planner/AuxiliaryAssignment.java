package io.deltachain.round.planner;

/**
 * A worker the plan does not train with, and why.
 *
 * @param workerId the worker
 * @param role what it does instead
 * @param reason why, in words a user can act on
 */
public record AuxiliaryAssignment(String workerId, Role role, String reason) {
  /** What a worker outside the pipelines does. */
  public enum Role {
    /** Too small to train (below the validation tier): runs validation or speculative decoding. */
    VALIDATION_OR_DRAFT,
    /** Could train but is not needed or cannot be placed this round; a replacement in waiting. */
    STANDBY
  }
}
