package io.deltachain.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for something that happens on other threads or in other processes. */
public final class Waits {
  private Waits() {}

  /**
   * Polls a condition every 50 ms until it holds. An exception or failed assertion while
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
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException | AssertionError e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
        + (last == null ? "" : " (last error: " + last + ")"), last);
  }
}
