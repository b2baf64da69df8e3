package io.deltachain.round.planner;

/** The fleet cannot train the model as asked; the message names what is missing. */
public final class PlanningException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the smallest requirement and what the fleet offers. */
  public PlanningException(String message) {
    super(message);
  }
}
