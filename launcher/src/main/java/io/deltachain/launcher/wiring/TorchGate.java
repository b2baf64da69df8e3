package io.deltachain.launcher.wiring;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * One PyTorch job at a time in this JVM: a training run, an evaluation or a replay. DJL allows one
 * gradient collector per JVM (PtGradientCollector's static flag), and on a 2-core machine four
 * validators' evaluations and replays at once only compete for the cores, so when the launcher
 * puts several trainers and validators in one process (the one-JVM demo) they take turns here.
 * (It was first added against NaN losses with training and evaluation at once; that was the
 * trainer's scalar-lifetime bug, fixed in model.Scalars.)
 * Separate processes (one {@code deltachain node} per role, as in a real deployment) each have
 * their own gate and never wait for one another.
 */
public final class TorchGate {
  private static final Semaphore GATE = new Semaphore(1, true);

  private TorchGate() {}

  /** Waits for the gate (call on a worker thread, never on an event loop). */
  public static void acquire() {
    GATE.acquireUninterruptibly();
  }

  /** Whether the gate was free and is now held. */
  public static boolean tryAcquire() {
    return GATE.tryAcquire();
  }

  /** Releases the gate. */
  public static void release() {
    GATE.release();
  }

  /** Runs {@code work} holding the gate. */
  public static <T> T hold(Supplier<T> work) {
    acquire();
    try {
      return work.get();
    } finally {
      release();
    }
  }
}
