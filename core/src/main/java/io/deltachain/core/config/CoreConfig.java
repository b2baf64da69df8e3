package io.deltachain.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Every core configuration record of one process, read together so that a bad configuration
 * is reported in one message listing every bad key.
 *
 * @param node identity and home directory
 * @param comet the CometBFT endpoints
 * @param ipfs the kubo node
 * @param cluster the clustered event bus
 * @param deltaStore the delta store
 * @param http the round service's API server
 */
public record CoreConfig(
    NodeConfig node,
    CometConfig comet,
    IpfsConfig ipfs,
    ClusterConfig cluster,
    DeltaStoreConfig deltaStore,
    HttpConfig http) {

  /** Every key the core records read; the loader maps environment variables onto these. */
  public static final List<ConfigKey> KEYS;

  static {
    List<ConfigKey> keys = new ArrayList<>();
    keys.addAll(NodeConfig.KEYS);
    keys.addAll(CometConfig.KEYS);
    keys.addAll(IpfsConfig.KEYS);
    keys.addAll(ClusterConfig.KEYS);
    keys.addAll(DeltaStoreConfig.KEYS);
    keys.addAll(HttpConfig.keys(HttpConfig.PREFIX));
    KEYS = List.copyOf(keys);
  }

  /**
   * Reads and validates every record.
   *
   * @throws ConfigException listing every bad key of every record
   */
  public static CoreConfig from(ConfigView view) {
    ConfigReader r = view.reader();
    NodeConfig node = NodeConfig.read(r);
    CometConfig comet = CometConfig.read(r);
    IpfsConfig ipfs = IpfsConfig.read(r);
    ClusterConfig cluster = ClusterConfig.read(r);
    DeltaStoreConfig deltaStore = DeltaStoreConfig.read(r);
    HttpConfig http = HttpConfig.read(r, HttpConfig.PREFIX, HttpConfig.DEFAULT_PORT);
    r.throwIfInvalid();
    return new CoreConfig(node, comet, ipfs, cluster, deltaStore, http);
  }
}
