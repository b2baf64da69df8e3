package io.deltachain.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code src/test/browser/dashboard-check.mjs} (playwright-core driving Debian's headless
 * Chromium, no browser download) against a dashboard URL. Installs the script's npm package from
 * its lock file when it is missing. Skips, saying why, only when Chromium or Node.js is not on
 * the machine ({@code .ci/run} installs Chromium with apt-get).
 */
final class BrowserCheck {
  static final Path SCRIPT_DIR = Path.of("src/test/browser").toAbsolutePath();
  static final Path SCREENSHOTS = Path.of("target/dashboard-screenshots").toAbsolutePath();
  private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

  private BrowserCheck() {}

  /** Skips the calling test when the browser or Node.js is missing; installs playwright-core when needed. */
  static void requireBrowser() throws IOException, InterruptedException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(CHROMIUM)), "skipped: Debian's chromium is not installed at "
        + CHROMIUM + " (apt-get install -y chromium; .ci/run does this) and no CHROMIUM variable names another");
    Result node = run(List.of("node", "--version"), 30);
    Assumptions.assumeTrue(node.exit == 0, "skipped: Node.js (20 or later) is not on the PATH: " + node.output);
    if (!Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core"))) {
      Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
      assertThat(npm.exit).as("npm ci in %s failed:%n%s", SCRIPT_DIR, npm.output).isZero();
    }
  }

  /**
   * Runs one check and returns what the page showed.
   *
   * @param mode {@code empty} or {@code round}
   * @param expectations for {@code round}: roundId, reason, checkpoint
   */
  static JsonObject check(String mode, String dashboardUrl, JsonObject expectations)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node", "dashboard-check.mjs", mode, dashboardUrl, SCREENSHOTS.toString()));
    if (expectations != null) {
      cmd.add(expectations.encode());
    }
    Result r = run(cmd, 150);
    String last = r.output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
    assertThat(r.exit).as("the %s check of %s failed:%n%s", mode, dashboardUrl, r.output).isZero();
    return new JsonObject(last);
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(SCRIPT_DIR.toFile()).redirectErrorStream(true);
    pb.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    pb.environment().put("CHROMIUM", CHROMIUM);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(127, e.getMessage());
    }
    try {
      // read while it runs so a chatty process cannot block on a full pipe
      StringBuilder out = new StringBuilder();
      Thread reader = new Thread(() -> {
        try {
          out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException ignored) {
          // the process died; its exit code says so
        }
      }, "browser-check-output");
      reader.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        reader.join(5_000);
        return new Result(124, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd) + "\n" + out);
      }
      reader.join(10_000);
      return new Result(p.exitValue(), out.toString());
    } finally {
      // every browser process the check started goes with it
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
