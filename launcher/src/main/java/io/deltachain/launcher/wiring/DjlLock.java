package io.deltachain.launcher.wiring;

/**
 * One DJL job at a time among the validator services of one JVM (the one-process devnet): loss
 * evaluations and replay re-executions of different validators take this lock, because PyTorch
 * training and evaluation running at once in one JVM turned losses into NaN on this setup (see
 * {@code DemoRound}). Separate validator processes do not need it.
 */
public final class DjlLock {
  /** The lock. */
  public static final Object LOCK = new Object();

  private DjlLock() {}
}
