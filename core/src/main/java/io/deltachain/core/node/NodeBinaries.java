package io.deltachain.core.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds the pinned {@code cometbft} and {@code ipfs} (kubo) binaries by running the
 * node-binary bootstrap ({@code scripts/node-binaries.sh}), which builds them with
 * {@code go install} into a per-user cache when missing. Nothing here hard-codes a path.
 *
 * <p>The bootstrap script is found from the system property {@code deltachain.repo.root},
 * the environment variable {@code DELTACHAIN_HOME}, or by walking up from the working
 * directory.
 */
public final class NodeBinaries {
  private static final String SCRIPT = "scripts/node-binaries.sh";
  private static volatile NodeBinaries resolved;

  private final Path cometbft;
  private final Path ipfs;

  private NodeBinaries(Path cometbft, Path ipfs) {
    this.cometbft = cometbft;
    this.ipfs = ipfs;
  }

  /** The CometBFT binary. */
  public Path cometbft() {
    return cometbft;
  }

  /** The kubo ({@code ipfs}) binary. */
  public Path ipfs() {
    return ipfs;
  }

  /**
   * Runs the bootstrap once per JVM (installing the binaries if needed) and returns their paths.
   *
   * @throws IllegalStateException with the bootstrap's own message when it fails (for example when Go is missing)
   */
  public static NodeBinaries resolve() {
    NodeBinaries r = resolved;
    if (r == null) {
      synchronized (NodeBinaries.class) {
        r = resolved;
        if (r == null) {
          r = runBootstrap(findScript());
          resolved = r;
        }
      }
    }
    return r;
  }

  /** The repository root that holds the bootstrap script. */
  public static Path repositoryRoot() {
    return findScript().getParent().getParent();
  }

  static Path findScript() {
    return findScript(Paths.get("").toAbsolutePath(), codeLocation());
  }

  /**
   * @param workingDir where the command runs
   * @param codeLocation the jar or class folder this class was loaded from (may be null)
   */
  static Path findScript(Path workingDir, Path codeLocation) {
    for (String root : new String[] {System.getProperty("deltachain.repo.root"), System.getenv("DELTACHAIN_HOME")}) {
      if (root != null && !root.isBlank() && Files.isRegularFile(Paths.get(root, SCRIPT))) {
        return Paths.get(root, SCRIPT).toAbsolutePath();
      }
    }
    // the working directory or one above it, then the checkout the jar was built in
    // (launcher/target/deltachain.jar), so `java -jar .../deltachain.jar` works from anywhere
    for (Path start : new Path[] {workingDir, codeLocation}) {
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve(SCRIPT);
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException("cannot find " + SCRIPT + " in " + workingDir
        + ", above it, or above the jar: run from the deltachain checkout, or set -Ddeltachain.repo.root or"
        + " DELTACHAIN_HOME to it");
  }

  private static Path codeLocation() {
    try {
      var source = NodeBinaries.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Paths.get(source.getLocation().toURI()).toAbsolutePath();
    } catch (java.net.URISyntaxException | SecurityException | java.nio.file.FileSystemNotFoundException e) {
      return null;
    }
  }

  private static NodeBinaries runBootstrap(Path script) {
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--print");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(script + " did not finish within 30 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            script + " failed with exit code " + p.exitValue() + " (its messages are above in the log)");
      }
      Map<String, String> kv = new HashMap<>();
      for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
      Path c = executable(kv, "COMETBFT", script);
      Path i = executable(kv, "IPFS", script);
      return new NodeBinaries(c, i);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }

  private static Path executable(Map<String, String> kv, String key, Path script) {
    String v = kv.get(key);
    if (v == null || !Files.isExecutable(Paths.get(v))) {
      throw new IllegalStateException(script + " did not report an executable " + key + " (got " + v + ")");
    }
    return Paths.get(v);
  }
}
