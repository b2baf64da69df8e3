package io.deltachain.abci;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The abci-app's configuration: where it listens for CometBFT, where it keeps the ledger, and
 * which chain it serves.
 *
 * @param host listen address (the host part of CometBFT's {@code proxy_app})
 * @param port listen port
 * @param dataDir the ledger's RocksDB directory
 * @param chainId the expected genesis chain id, or null to accept the one InitChain brings
 */
public record AbciConfig(String host, int port, Path dataDir, String chainId) {
  /** Validates the fields; a bad configuration fails the start with the field named. */
  public AbciConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("listen host is empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("listen port " + port + " is outside 0..65535");
    }
    if (dataDir == null) {
      throw new IllegalArgumentException("--data (the ledger directory) is required");
    }
    if (chainId != null && (chainId.isBlank() || chainId.length() > 50)) {
      throw new IllegalArgumentException("chain id '" + chainId + "' must be 1-50 characters (CometBFT's limit)");
    }
  }

  /**
   * Parses {@code --listen HOST:PORT} (or {@code tcp://HOST:PORT}, default 127.0.0.1:26658),
   * {@code --data DIR} and {@code --chain-id ID}.
   */
  public static AbciConfig fromArgs(String... args) {
    String listen = "127.0.0.1:26658";
    Path data = null;
    String chainId = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--listen" -> listen = v;
        case "--data" -> data = Paths.get(v);
        case "--chain-id" -> chainId = v;
        default -> throw new IllegalArgumentException("unknown option " + a + " (known: --listen, --data, --chain-id)");
      }
    }
    String hp = listen.replaceFirst("^tcp://", "");
    int colon = hp.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--listen '" + listen + "' must be HOST:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(hp.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen '" + listen + "' has no numeric port");
    }
    return new AbciConfig(hp.substring(0, colon), port, data, chainId);
  }
}
