package io.deltachain.store.ipfs;

import io.deltachain.core.node.NodeBinaries;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The kubo binary for tests: the pinned one from {@link NodeBinaries}, unless overridden by hand. */
public final class KuboBinary {
  private KuboBinary() {}

  /**
   * {@code -Ddeltachain.ipfs.binary} or {@code DELTACHAIN_IPFS} (for trying another kubo by
   * hand), otherwise {@link NodeBinaries#resolve()}.
   */
  public static Path path() {
    String override = System.getProperty("deltachain.ipfs.binary", System.getenv("DELTACHAIN_IPFS"));
    return override != null && !override.isBlank() ? Paths.get(override) : NodeBinaries.resolve().ipfs();
  }
}
