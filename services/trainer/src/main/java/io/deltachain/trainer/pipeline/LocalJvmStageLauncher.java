package io.deltachain.trainer.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts each stage as its own JVM on this machine ({@code java -cp <classpath> PipelineStageMain
 * 127.0.0.1 0 --work-dir <temp>}), listening on loopback, with a fresh work directory that is
 * removed when the stage is closed. The child's standard input stays a pipe to this process, so a
 * stage exits if its parent dies.
 */
public final class LocalJvmStageLauncher implements StageLauncher {
  private static final int KEPT_LINES = 60;

  private final String classpath;
  private final List<String> jvmOptions;
  private final Duration startTimeout;

  /**
   * @param classpath the stage JVM's class path (this module's classes and dependencies)
   * @param jvmOptions options such as {@code -Xmx1g} and {@code -Dai.djl.pytorch.num_threads=1}
   * @param startTimeout how long a stage may take to listen
   */
  public LocalJvmStageLauncher(String classpath, List<String> jvmOptions, Duration startTimeout) {
    this.classpath = classpath;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.startTimeout = startTimeout;
  }

  /**
   * A launcher using this JVM's class path, offline DJL and one intra-op thread per stage.
   *
   * @param extraOptions more JVM options (heap size)
   * @return the launcher
   */
  public static LocalJvmStageLauncher sameClasspath(String... extraOptions) {
    List<String> opts = new ArrayList<>(List.of("-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    opts.addAll(List.of(extraOptions));
    return new LocalJvmStageLauncher(System.getProperty("java.class.path"), opts, Duration.ofSeconds(120));
  }

  @Override
  public StageProcess launch(int stage) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(PipelineStageMain.class.getName());
    cmd.add("127.0.0.1");
    cmd.add("0");
    Path workDir = Files.createTempDirectory("deltachain-stage-" + stage + "-");
    cmd.add("--work-dir");
    cmd.add(workDir.toString());
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      deleteQuietly(workDir);
      throw e;
    }
    LocalStage s = new LocalStage(stage, p, workDir);
    try {
      s.awaitReady(startTimeout);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** One stage JVM and the thread draining its output. */
  private static final class LocalStage implements StageProcess {
    private final int stage;
    private final Process process;
    private final Path workDir;
    private final Deque<String> lines = new ArrayDeque<>();
    private String host;
    private int port = -1;

    LocalStage(int stage, Process process, Path workDir) {
      this.stage = stage;
      this.process = process;
      this.workDir = workDir;
      Thread reader = new Thread(this::drain, "stage-" + stage + "-output");
      reader.setDaemon(true);
      reader.start();
    }

    private void drain() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (lines) {
            if (line.startsWith(PipelineStageMain.READY_PREFIX) && port < 0) {
              String addr = line.substring(PipelineStageMain.READY_PREFIX.length()).strip();
              int colon = addr.lastIndexOf(':');
              host = addr.substring(0, colon);
              port = Integer.parseInt(addr.substring(colon + 1));
            }
            lines.addLast(line);
            if (lines.size() > KEPT_LINES) {
              lines.removeFirst();
            }
            lines.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
      synchronized (lines) {
        lines.notifyAll();
      }
    }

    void awaitReady(Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (lines) {
        while (port < 0) {
          if (!process.isAlive()) {
            throw new IOException("stage " + stage + " exited with " + process.exitValue() + " before listening: "
                + String.join("\n", lines));
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IOException("stage " + stage + " did not listen within " + timeout + ": " + String.join("\n", lines));
          }
          try {
            lines.wait(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(left))));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting stage " + stage, e);
          }
        }
      }
    }

    @Override
    public String host() {
      return host;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public String recentOutput() {
      synchronized (lines) {
        return String.join("\n", lines);
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroy();
        try {
          if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          process.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
      deleteQuietly(workDir);
    }

    /** @return the process, for tests that kill a stage */
    Process process() {
      return process;
    }

    @Override
    public String toString() {
      return "stage " + stage + " (pid " + process.pid() + ", " + host + ":" + port + ")";
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      StageCheckpoint.deleteRecursively(dir);
    } catch (IOException ignored) {
      // a temporary directory; the OS cleans up what is left
    }
  }

  /**
   * The OS process of a stage started by this launcher (tests kill it to simulate a crash).
   *
   * @param stage a process from {@link #launch}
   * @return its process handle
   */
  public static ProcessHandle processOf(StageProcess stage) {
    if (!(stage instanceof LocalStage l)) {
      throw new IllegalArgumentException(stage + " was not started by a LocalJvmStageLauncher");
    }
    return l.process().toHandle();
  }
}
