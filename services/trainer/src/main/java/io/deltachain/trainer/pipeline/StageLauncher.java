package io.deltachain.trainer.pipeline;

import java.io.IOException;

/**
 * Starts stage processes for a coordinator: the initial ones and the replacement of a stage that
 * died. Each stage is a {@link PipelineStageMain} listening on a gRPC port.
 */
public interface StageLauncher {

  /**
   * Starts a stage process and waits until it listens.
   *
   * @param stage the stage index it will serve (for names and logs)
   * @return the running process
   * @throws IOException when it cannot be started or does not come up in time
   */
  StageProcess launch(int stage) throws IOException;

  /** A running stage process. */
  interface StageProcess extends AutoCloseable {
    /** @return host it listens on */
    String host();

    /** @return port it listens on */
    int port();

    /** @return the token its calls carry ({@link StageToken}), or null when it needs none */
    default String token() {
      return null;
    }

    /** @return whether the process is still running (true when unknown, e.g. on another machine) */
    boolean isAlive();

    /** @return the last lines it printed, for error messages */
    String recentOutput();

    /** Ends the process (forcibly when it does not stop promptly). */
    @Override
    void close();
  }
}
