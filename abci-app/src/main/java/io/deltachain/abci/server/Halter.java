package io.deltachain.abci.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the application after an unrecoverable error. CometBFT expects an ABCI application
 * to crash rather than answer a consensus call wrongly (and it stops itself when the socket
 * closes); tests plug in a halter that records the call instead of exiting.
 */
@FunctionalInterface
public interface Halter {
  /** Exit status used when the ledger halts. */
  int EXIT_STATUS = 70;

  /**
   * Called once the reason has been decided; must not return normally in production.
   *
   * @param reason what broke, for the operator
   * @param cause the exception, or null
   */
  void halt(String reason, Throwable cause);

  /** True once {@link #systemExit()} started exiting (shutdown hooks skip graceful work). */
  static boolean halting() {
    return Flag.HALTING.get();
  }

  /** Logs the reason and exits the JVM with {@link #EXIT_STATUS}. */
  static Halter systemExit() {
    return (reason, cause) -> {
      Flag.HALTING.set(true);
      Logger log = LoggerFactory.getLogger(Halter.class);
      log.error("HALTING the ABCI application: {}", reason, cause);
      System.err.println("HALTING the ABCI application: " + reason);
      System.exit(EXIT_STATUS);
    };
  }

  /** Process-wide halting flag. */
  final class Flag {
    static final java.util.concurrent.atomic.AtomicBoolean HALTING = new java.util.concurrent.atomic.AtomicBoolean();

    private Flag() {}
  }
}
