package io.deltachain.launcher.node;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for separate node processes in tests. */
final class Waits {
  private Waits() {
  }

  /**
   * Polls a condition every 250 ms until it holds; an exception counts as not yet (a process may
   * still be starting or restarting) and is named if the wait times out.
   */
  static void eventually(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
        + (last == null ? "" : " (last error: " + last.getMessage() + ")"));
  }
}
