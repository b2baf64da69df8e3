package io.deltachain.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for something that happens on other threads or in other processes. */
public final class Waits {
  private Waits() {}

  /**
   * Polls a condition until it holds: first after 50 ms, then half as long again each time up to
   * once a second, so a short wait ends soon and a long one does not flood a service's API (the
   * round service's per-client quota counts every request). An exception or failed assertion while
   * polling counts as "not yet" (a process may still be starting or restarting) and is named if
   * the wait times out.
   *
   * @param timeout how long to wait at most
   * @param what what is awaited, for the failure message
   * @param condition the condition
   * @throws AssertionError when the timeout passes first, or the thread is interrupted
   */
  public static void eventually(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    long pause = 50;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException | AssertionError e) {
        last = e;
      }
      try {
        Thread.sleep(pause);
        pause = Math.min(1000, pause * 3 / 2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
        + (last == null ? "" : " (last error: " + last + ")"), last);
  }
}
