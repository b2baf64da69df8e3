package io.deltachain.round.lifecycle;

/** A delta's standing, as the chain's verdict tally decides it. */
public enum DeltaStatus {
  /** Committed, waiting for verdicts. */
  PENDING,
  /** More than 2/3 of the voting power approved it. */
  ACCEPTED,
  /** 1/3 or more of the voting power rejected it. */
  REJECTED,
  /** Its verdict deadline passed undecided. */
  EXPIRED
}
