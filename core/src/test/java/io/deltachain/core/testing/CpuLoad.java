package io.deltachain.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Busy threads for tests that need a loaded CPU; closing stops and joins them. */
public final class CpuLoad implements AutoCloseable {
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  private CpuLoad(int count) {
    for (int i = 0; i < count; i++) {
      Thread t = new Thread(() -> {
        double x = 0;
        while (!stop.get()) {
          x += Math.sqrt(x + 1);
        }
        if (x == 42) {
          System.out.print(""); // keeps the loop from being optimised away
        }
      }, "cpu-load-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /**
   * @param threads how many busy threads
   * @return the running load
   */
  public static CpuLoad start(int threads) {
    return new CpuLoad(threads);
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
  }
}
