package io.deltachain.launcher.wiring;

/**
 * One DJL job at a time among the validator services of one JVM (the one-process devnet): loss
 * evaluations and replay re-executions of different validators take this lock. It was added while
 * PyTorch training and evaluation at once in one JVM turned losses into NaN (see {@code DemoRound};
 * the trainer's scalar-lifetime fix addressed the cause since); it also keeps four validators'
 * replays from competing for the same two cores. Separate validator processes do not need it.
 */
public final class DjlLock {
  /** The lock. */
  public static final Object LOCK = new Object();

  private DjlLock() {}
}
