package io.deltachain.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the command finds the pinned-binaries script (NodeBinariesIT runs it). */
class NodeBinariesTest {
  @TempDir
  Path tmp;
  Path checkout;

  @BeforeEach
  void checkout() throws Exception {
    assumeTrue(System.getProperty("deltachain.repo.root") == null && System.getenv("DELTACHAIN_HOME") == null,
        "an explicit checkout is configured");
    checkout = tmp.resolve("checkout");
    Files.createDirectories(checkout.resolve("scripts"));
    Files.writeString(checkout.resolve("scripts/node-binaries.sh"), "#!/bin/sh\n");
    Files.createDirectories(checkout.resolve("launcher/target"));
    Files.createDirectories(tmp.resolve("elsewhere/deep"));
  }

  @Test
  @DisplayName("found in the working directory or above it")
  void fromWorkingDirectory() throws Exception {
    Path sub = Files.createDirectories(checkout.resolve("services/round"));
    assertThat(NodeBinaries.findScript(sub, null)).isEqualTo(checkout.resolve("scripts/node-binaries.sh"));
  }

  @Test
  @DisplayName("found above the jar when the command runs in another directory (java -jar .../deltachain.jar)")
  void fromJar() {
    assertThat(NodeBinaries.findScript(tmp.resolve("elsewhere/deep"), checkout.resolve("launcher/target/deltachain.jar")))
        .isEqualTo(checkout.resolve("scripts/node-binaries.sh"));
  }

  @Test
  @DisplayName("not found: the error names the directory and how to point at the checkout")
  void notFound() {
    Path elsewhere = tmp.resolve("elsewhere/deep");
    assertThatThrownBy(() -> NodeBinaries.findScript(elsewhere, tmp.resolve("elsewhere/app.jar")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot find scripts/node-binaries.sh in " + elsewhere)
        .hasMessageContaining("DELTACHAIN_HOME");
  }
}
