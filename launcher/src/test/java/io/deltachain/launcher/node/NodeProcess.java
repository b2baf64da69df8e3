package io.deltachain.launcher.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code deltachain node} JVM started with this JVM's class path, its output appended to a
 * log file. Tests wait for its {@code [node] ready:} lines, kill it with SIGKILL and start it
 * again with the same arguments; {@link #close} always leaves no process behind.
 */
final class NodeProcess implements AutoCloseable {
  private final String name;
  private final List<String> args;
  private final Path log;
  private Process process;
  private int starts;

  NodeProcess(String name, List<String> args, Path log) {
    this.name = name;
    this.args = List.copyOf(args);
    this.log = log;
  }

  String name() {
    return name;
  }

  /** Starts the JVM (again, after {@link #kill}). */
  synchronized NodeProcess start() throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx512m", "-XX:+UseSerialGC", "-Dai.djl.offline=true",
        "-Dhazelcast.logging.type=slf4j", "-Dhazelcast.phone.home.enabled=false",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-cp", System.getProperty("java.class.path"), "io.deltachain.launcher.DeltachainCommand", "node"));
    cmd.addAll(args);
    Files.createDirectories(log.getParent());
    Files.writeString(log, "=== start " + (starts + 1) + " of " + name + " ===\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    starts++;
    return this;
  }

  /** Waits until the current run printed a line containing {@code text}; fails if the process exits first. */
  void awaitLine(String text, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String all = Files.readString(log, StandardCharsets.UTF_8);
      String current = all.substring(all.lastIndexOf("=== start " + starts + " of "));
      if (current.contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before printing '" + text + "':\n"
            + tail(40));
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " did not print '" + text + "' within " + timeout.toSeconds() + " s:\n" + tail(40));
  }

  /** The last lines of its log. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, as a crash or a pulled plug: no shutdown hook runs. */
  synchronized void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public synchronized void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
