package io.deltachain.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeBinariesIT {

  @Test
  @DisplayName("the bootstrap provides runnable pinned cometbft and kubo binaries")
  void binariesRunAndReportThePinnedVersions() throws Exception {
    NodeBinaries bins = NodeBinaries.resolve();

    assertThat(Files.isExecutable(bins.cometbft())).isTrue();
    assertThat(Files.isExecutable(bins.ipfs())).isTrue();
    assertThat(run(bins.cometbft(), "version")).startsWith("0.38.");
    assertThat(run(bins.ipfs(), "version")).startsWith("ipfs version 0.");
    // a second resolve is served from the cache and points at the same files
    assertThat(NodeBinaries.resolve().cometbft()).isEqualTo(bins.cometbft());
  }

  private static String run(Path binary, String arg) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(binary.toString(), arg).redirectErrorStream(true);
    pb.environment().put("IPFS_TELEMETRY", "off");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit code of %s %s: %s", binary, arg, out).isZero();
    return out;
  }
}
