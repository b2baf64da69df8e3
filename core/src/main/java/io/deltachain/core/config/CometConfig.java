package io.deltachain.core.config;

import io.deltachain.core.config.ConfigKey.Kind;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * How the ABCI app and services reach CometBFT: its RPC endpoint (to submit transactions and
 * query), and where the ABCI app listens for CometBFT's connections.
 *
 * @param rpcUrl CometBFT's RPC, default {@value #DEFAULT_RPC_URL}
 * @param abciHost the ABCI socket's bind address
 * @param abciPort the ABCI socket's port, default {@value #DEFAULT_ABCI_PORT}
 */
public record CometConfig(URI rpcUrl, String abciHost, int abciPort) {
  /** Key of {@link #rpcUrl()}. */
  public static final String RPC_URL = "comet.rpc-url";
  /** Key of {@link #abciHost()}. */
  public static final String ABCI_HOST = "comet.abci.host";
  /** Key of {@link #abciPort()}. */
  public static final String ABCI_PORT = "comet.abci.port";
  /** CometBFT's default RPC address. */
  public static final String DEFAULT_RPC_URL = "http://127.0.0.1:26657";
  /** CometBFT's default {@code proxy_app} port. */
  public static final int DEFAULT_ABCI_PORT = 26658;
  /** The keys this record reads. */
  public static final List<ConfigKey> KEYS = List.of(
      ConfigKey.of(RPC_URL, Kind.STRING), ConfigKey.of(ABCI_HOST, Kind.STRING), ConfigKey.of(ABCI_PORT, Kind.INTEGER));

  /** Validates the port. */
  public CometConfig {
    Objects.requireNonNull(rpcUrl, RPC_URL);
    Objects.requireNonNull(abciHost, ABCI_HOST);
    if (abciPort < 0 || abciPort > 65_535) {
      throw new IllegalArgumentException(ABCI_PORT + " must be 0-65535, got " + abciPort);
    }
  }

  /**
   * Reads and validates.
   *
   * @throws ConfigException listing every bad key
   */
  public static CometConfig from(ConfigView view) {
    ConfigReader r = view.reader();
    CometConfig config = read(r);
    r.throwIfInvalid();
    return config;
  }

  /** Reads into a shared reader; null when something was wrong (recorded in the reader). */
  public static CometConfig read(ConfigReader r) {
    int before = r.problems().size();
    URI rpc = r.httpUrl(RPC_URL, DEFAULT_RPC_URL);
    String host = r.host(ABCI_HOST, HttpConfig.DEFAULT_HOST);
    int port = r.port(ABCI_PORT, DEFAULT_ABCI_PORT);
    return r.problems().size() == before ? new CometConfig(rpc, host, port) : null;
  }
}
