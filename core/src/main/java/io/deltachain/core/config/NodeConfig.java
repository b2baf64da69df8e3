package io.deltachain.core.config;

import io.deltachain.core.config.ConfigKey.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Who this node is: the chain it belongs to, where it keeps its files, its display name.
 *
 * @param chainId the CometBFT chain id (required; 1-50 characters, no spaces)
 * @param home the directory for keys, stores and CometBFT data
 * @param moniker a human-readable node name
 */
public record NodeConfig(String chainId, Path home, String moniker) {
  /** Key of {@link #chainId()}; required. */
  public static final String CHAIN_ID = "node.chain-id";
  /** Key of {@link #home()}; default {@code ~/.deltachain}. */
  public static final String HOME = "node.home";
  /** Key of {@link #moniker()}; default {@value #DEFAULT_MONIKER}. */
  public static final String MONIKER = "node.moniker";
  /** CometBFT's {@code MaxChainIDLen}. */
  public static final int MAX_CHAIN_ID_LENGTH = 50;
  /** The moniker when none is configured. */
  public static final String DEFAULT_MONIKER = "deltachain-node";
  /** The keys this record reads. */
  public static final List<ConfigKey> KEYS = List.of(
      ConfigKey.of(CHAIN_ID, Kind.STRING), ConfigKey.of(HOME, Kind.STRING), ConfigKey.of(MONIKER, Kind.STRING));

  /** Validates the chain id. */
  public NodeConfig {
    Objects.requireNonNull(home, HOME);
    Objects.requireNonNull(moniker, MONIKER);
    String problem = chainIdProblem(chainId);
    if (problem != null) {
      throw new IllegalArgumentException(CHAIN_ID + " " + problem);
    }
  }

  /** The default home directory, {@code ~/.deltachain}. */
  public static Path defaultHome() {
    return Path.of(System.getProperty("user.home"), ".deltachain");
  }

  /**
   * Reads and validates.
   *
   * @throws ConfigException listing every bad key
   */
  public static NodeConfig from(ConfigView view) {
    ConfigReader r = view.reader();
    NodeConfig config = read(r);
    r.throwIfInvalid();
    return config;
  }

  /** Reads into a shared reader; null when something was wrong (recorded in the reader). */
  public static NodeConfig read(ConfigReader r) {
    int before = r.problems().size();
    String chainId = r.requiredString(CHAIN_ID);
    if (chainId != null) {
      String problem = chainIdProblem(chainId);
      if (problem != null) {
        r.problem(CHAIN_ID, problem);
      }
    }
    Path home = r.path(HOME, defaultHome());
    String moniker = r.nonBlank(MONIKER, DEFAULT_MONIKER);
    return r.problems().size() == before ? new NodeConfig(chainId, home, moniker) : null;
  }

  private static String chainIdProblem(String chainId) {
    if (chainId == null || chainId.isBlank()) {
      return "must not be empty";
    }
    if (chainId.length() > MAX_CHAIN_ID_LENGTH) {
      return "must be at most " + MAX_CHAIN_ID_LENGTH + " characters (CometBFT's limit), got "
          + chainId.length();
    }
    if (chainId.chars().anyMatch(Character::isWhitespace)) {
      return "must not contain spaces, got '" + chainId + "'";
    }
    return null;
  }
}
